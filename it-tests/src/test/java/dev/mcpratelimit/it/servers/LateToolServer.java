package dev.mcpratelimit.it.servers;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema.ServerCapabilities;

/**
 * A sync server that starts with no tools and adds {@code get_track} with {@code addTool} after
 * it is built, as servers that load tools dynamically do. Run in a forked JVM by the tests.
 */
public final class LateToolServer {

  private LateToolServer() {}

  public static void main(String[] args) throws Exception {
    HttpServletStreamableServerTransportProvider transport = HttpServletStreamableServerTransportProvider.builder()
        .jsonMapper(McpJsonDefaults.getMapper())
        .mcpEndpoint(TestServers.PATH)
        .build();
    McpSyncServer mcp = McpServer.sync(transport)
        .serverInfo("late-tool-server", "1.0")
        .capabilities(ServerCapabilities.builder().tools(true).build())
        .build();
    mcp.addTool(SyncToolSpecification.builder()
        .tool(TestServers.GET_TRACK)
        .callHandler((exchange, request) -> TestServers.getTrack(request))
        .build());
    TestServers.serve("LateToolServer", transport, TestServers.port(args), mcp::close);
  }
}
