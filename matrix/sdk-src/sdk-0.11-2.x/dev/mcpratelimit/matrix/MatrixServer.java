package dev.mcpratelimit.matrix;

import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.McpStatelessServerFeatures;
import io.modelcontextprotocol.server.McpStatelessSyncServer;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.JsonSchema;
import io.modelcontextprotocol.spec.McpSchema.ServerCapabilities;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A sync MCP server on SDK 0.11 to 2.x, the API those lines share: {@code Tool.builder()} with a
 * {@code JsonSchema}, {@code SyncToolSpecification.builder().tool(..).callHandler((exchange, request) -> ..)}
 * and its stateless twin. Transports: stdio, Streamable HTTP and stateless HTTP at
 * {@value Tools#MCP_ENDPOINT}, SSE at {@value Tools#SSE_ENDPOINT} + {@value Tools#MESSAGE_ENDPOINT}.
 * The JSON mapper each transport takes differs by line: {@link Transports} (one per line, see the pom).
 */
public final class MatrixServer {

  private MatrixServer() {}

  public static void main(String[] args) throws Exception {
    ServerArgs options = ServerArgs.parse(args, List.of("stdio", "streamable", "sse", "stateless"));
    String name = Tools.serverName(options.transport());
    switch (options.transport()) {
      case "stdio" -> build(McpServer.sync(Transports.stdio()));
      case "streamable" -> {
        var transport = Transports.streamable(Tools.MCP_ENDPOINT);
        McpSyncServer server = build(McpServer.sync(transport));
        Jetty.serve(name, transport, Tools.MCP_ENDPOINT, options.port(), server::closeGracefully);
      }
      case "sse" -> {
        var transport = Transports.sse(Tools.SSE_ENDPOINT, Tools.MESSAGE_ENDPOINT);
        McpSyncServer server = build(McpServer.sync(transport));
        // The servlet serves both endpoints: it tells them apart by the request URI.
        Jetty.serve(name, transport, "/*", options.port(), server::closeGracefully);
      }
      case "stateless" -> {
        var transport = Transports.stateless(Tools.MCP_ENDPOINT);
        McpStatelessSyncServer server = McpServer.sync(transport)
            .serverInfo("matrix-server", Tools.sdkVersion())
            .capabilities(ServerCapabilities.builder().tools(true).build())
            .tools(List.of(
                statelessTool(Tools.ECHO, Tools.ECHO_DESCRIPTION, Tools.ECHO_PROPERTIES, Tools::echo),
                statelessTool(Tools.SEARCH, Tools.SEARCH_DESCRIPTION, Tools.SEARCH_PROPERTIES, Tools::search)))
            .build();
        Jetty.serve(name, transport, Tools.MCP_ENDPOINT, options.port(), server::close);
      }
      default -> throw new IllegalArgumentException(options.transport());
    }
  }

  private static McpSyncServer build(McpServer.SyncSpecification<?> spec) {
    return spec.serverInfo("matrix-server", Tools.sdkVersion())
        .capabilities(ServerCapabilities.builder().tools(true).build())
        .tools(List.of(
            tool(Tools.ECHO, Tools.ECHO_DESCRIPTION, Tools.ECHO_PROPERTIES, Tools::echo),
            tool(Tools.SEARCH, Tools.SEARCH_DESCRIPTION, Tools.SEARCH_PROPERTIES, Tools::search)))
        .build();
  }

  private static McpServerFeatures.SyncToolSpecification tool(String name, String description,
      Map<String, Object> properties, Function<Map<String, Object>, String> answer) {
    return McpServerFeatures.SyncToolSpecification.builder()
        .tool(tool(name, description, properties))
        .callHandler((exchange, request) -> text(answer, request))
        .build();
  }

  private static McpStatelessServerFeatures.SyncToolSpecification statelessTool(String name, String description,
      Map<String, Object> properties, Function<Map<String, Object>, String> answer) {
    return McpStatelessServerFeatures.SyncToolSpecification.builder()
        .tool(tool(name, description, properties))
        .callHandler((context, request) -> text(answer, request))
        .build();
  }

  private static Tool tool(String name, String description, Map<String, Object> properties) {
    return Tool.builder()
        .name(name)
        .description(description)
        .inputSchema(new JsonSchema("object", properties, List.copyOf(properties.keySet()), false, null, null))
        .build();
  }

  private static CallToolResult text(Function<Map<String, Object>, String> answer, CallToolRequest request) {
    return CallToolResult.builder().addTextContent(answer.apply(request.arguments())).build();
  }
}
