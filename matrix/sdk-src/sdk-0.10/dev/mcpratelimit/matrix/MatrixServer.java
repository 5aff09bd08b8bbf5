package dev.mcpratelimit.matrix;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletSseServerTransportProvider;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.JsonSchema;
import io.modelcontextprotocol.spec.McpSchema.ServerCapabilities;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.util.List;
import java.util.Map;

/**
 * A sync MCP server on SDK 0.10.x, the API of that line: a tool is {@code new Tool(name, description,
 * JsonSchema)} and {@code new SyncToolSpecification(tool, (exchange, argumentsMap) -> result)} (no
 * builders, no callHandler). 0.10 has two transports: stdio and the servlet SSE transport (protocol
 * 2024-11-05: GET {@value Tools#SSE_ENDPOINT}, then POST to the announced message URL).
 */
public final class MatrixServer {

  private MatrixServer() {}

  public static void main(String[] args) throws Exception {
    ServerArgs options = ServerArgs.parse(args, List.of("stdio", "sse"));
    ObjectMapper mapper = new ObjectMapper();
    if (options.transport().equals("stdio")) {
      // The transport reads stdin on a thread of its own, which keeps the JVM alive.
      build(McpServer.sync(new StdioServerTransportProvider(mapper)));
      return;
    }
    HttpServletSseServerTransportProvider transport = HttpServletSseServerTransportProvider.builder()
        .objectMapper(mapper)
        .sseEndpoint(Tools.SSE_ENDPOINT)
        .messageEndpoint(Tools.MESSAGE_ENDPOINT)
        .build();
    McpSyncServer server = build(McpServer.sync(transport));
    // The servlet serves both endpoints: it tells them apart by the request URI.
    Jetty.serve(Tools.serverName("sse"), transport, "/*", options.port(), server::closeGracefully);
  }

  private static McpSyncServer build(McpServer.SyncSpecification spec) {
    return spec.serverInfo("matrix-server", Tools.sdkVersion())
        .capabilities(ServerCapabilities.builder().tools(true).build())
        .tools(List.of(
            new SyncToolSpecification(new Tool(Tools.ECHO, Tools.ECHO_DESCRIPTION, schema(Tools.ECHO_PROPERTIES)),
                (exchange, arguments) -> text(Tools.echo(arguments))),
            new SyncToolSpecification(new Tool(Tools.SEARCH, Tools.SEARCH_DESCRIPTION, schema(Tools.SEARCH_PROPERTIES)),
                (exchange, arguments) -> text(Tools.search(arguments)))))
        .build();
  }

  private static JsonSchema schema(Map<String, Object> properties) {
    return new JsonSchema("object", properties, List.copyOf(properties.keySet()), false, null, null);
  }

  private static CallToolResult text(String text) {
    return CallToolResult.builder().addTextContent(text).build();
  }
}
