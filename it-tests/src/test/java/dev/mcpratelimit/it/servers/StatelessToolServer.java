package dev.mcpratelimit.it.servers;

import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpStatelessServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpStatelessSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStatelessServerTransport;
import io.modelcontextprotocol.spec.McpSchema.ServerCapabilities;

/**
 * An MCP server built on the SDK's stateless API ({@code McpServer.sync} over
 * {@code HttpServletStatelessServerTransport}): no sessions, every POST answered on its own. Its
 * {@code recommend_tracks} calls {@code CatalogClient#recommend} from a sync handler, which the SDK
 * runs on a worker thread. Run in a forked JVM by the tests.
 */
public final class StatelessToolServer {

  private StatelessToolServer() {}

  public static void main(String[] args) throws Exception {
    HttpServletStatelessServerTransport transport = HttpServletStatelessServerTransport.builder()
        .messageEndpoint(TestServers.PATH)
        .build();
    McpStatelessSyncServer mcp = McpServer.sync(transport)
        .serverInfo("stateless-test-server", "1.0")
        .capabilities(ServerCapabilities.builder().tools(false).build())
        .tools(
            SyncToolSpecification.builder()
                .tool(TestServers.GET_TRACK)
                .callHandler((context, request) -> TestServers.getTrack(request))
                .build(),
            SyncToolSpecification.builder()
                .tool(TestServers.RECOMMEND_TRACKS)
                .callHandler((context, request) -> TestServers.recommendTracks(request))
                .build())
        .build();
    TestServers.serve("StatelessToolServer", transport, TestServers.port(args), mcp::close);
  }
}
