package dev.mcpratelimit.instrument;

import java.util.Set;

/**
 * The MCP SDK classes the agent instruments, by binary name. Apart from the Byte Buddy matchers
 * that use them, so that naming them at JVM start loads no Byte Buddy class.
 */
final class SdkTypes {

  static final String SERVER = "io.modelcontextprotocol.server.";
  static final String ASYNC_SERVER = SERVER + "McpAsyncServer";
  static final String STATELESS_SERVER = SERVER + "McpStatelessAsyncServer";
  static final String TOOL_SPECIFICATION = SERVER + "McpServerFeatures$AsyncToolSpecification";
  static final String STATELESS_TOOL_SPECIFICATION = SERVER + "McpStatelessServerFeatures$AsyncToolSpecification";
  static final String STREAMABLE_SERVLET = SERVER + "transport.HttpServletStreamableServerTransportProvider";
  static final String STATELESS_SERVLET = SERVER + "transport.HttpServletStatelessServerTransport";
  static final String SSE_SERVLET = SERVER + "transport.HttpServletSseServerTransportProvider";

  /** Every class this instrumentation may change, by binary name. */
  static final Set<String> TYPES = Set.of(ASYNC_SERVER, STATELESS_SERVER, TOOL_SPECIFICATION,
      STATELESS_TOOL_SPECIFICATION, STREAMABLE_SERVLET, STATELESS_SERVLET, SSE_SERVLET);

  private SdkTypes() {}
}
