package dev.mcpratelimit.it.servers;

import io.modelcontextprotocol.server.McpAsyncServer;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.AsyncToolSpecification;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema.ServerCapabilities;
import reactor.core.publisher.Mono;

/**
 * An MCP server built on the SDK's async API ({@code McpServer.async}, tool handlers returning
 * {@code Mono}) over Streamable HTTP. Run in a forked JVM by the tests.
 */
public final class AsyncToolServer {

  private AsyncToolServer() {}

  public static void main(String[] args) throws Exception {
    HttpServletStreamableServerTransportProvider transport = HttpServletStreamableServerTransportProvider.builder()
        .mcpEndpoint(TestServers.PATH)
        .build();
    McpAsyncServer mcp = McpServer.async(transport)
        .serverInfo("async-test-server", "1.0")
        .capabilities(ServerCapabilities.builder().tools(false).build())
        .tools(AsyncToolSpecification.builder()
            .tool(TestServers.GET_TRACK)
            .callHandler((exchange, request) -> Mono.fromCallable(() -> TestServers.getTrack(request)))
            .build())
        .build();
    TestServers.serve("AsyncToolServer", transport, TestServers.port(args), mcp::close);
  }
}
