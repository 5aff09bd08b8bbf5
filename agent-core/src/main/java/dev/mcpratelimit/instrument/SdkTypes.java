package dev.mcpratelimit.instrument;

/** The MCP SDK classes the instrumentation modules name, by binary name. */
public final class SdkTypes {

  public static final String SDK = "io.modelcontextprotocol.";
  public static final String SERVER = SDK + "server.";
  public static final String ASYNC_SERVER = SERVER + "McpAsyncServer";
  public static final String STATELESS_SERVER = SERVER + "McpStatelessAsyncServer";
  public static final String TOOL_SPECIFICATION = SERVER + "McpServerFeatures$AsyncToolSpecification";
  public static final String STATELESS_TOOL_SPECIFICATION = SERVER + "McpStatelessServerFeatures$AsyncToolSpecification";
  public static final String SERVER_SESSION = SDK + "spec.McpServerSession";
  public static final String STREAMABLE_SESSION = SDK + "spec.McpStreamableServerSession";
  public static final String EXCHANGE = SERVER + "McpAsyncServerExchange";
  public static final String CALL_TOOL_REQUEST = SDK + "spec.McpSchema$CallToolRequest";
  public static final String CALL_TOOL_RESULT = SDK + "spec.McpSchema$CallToolResult";
  public static final String JSONRPC_REQUEST = SDK + "spec.McpSchema$JSONRPCRequest";
  public static final String MONO = "reactor.core.publisher.Mono";

  private SdkTypes() {}
}
