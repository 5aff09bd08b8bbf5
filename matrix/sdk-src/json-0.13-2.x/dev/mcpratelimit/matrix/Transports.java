package dev.mcpratelimit.matrix;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.transport.HttpServletSseServerTransportProvider;
import io.modelcontextprotocol.server.transport.HttpServletStatelessServerTransport;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;

/** SDK 0.13 to 2.x: every transport takes an {@code McpJsonMapper}; how to get the default one differs ({@link Mapper}). */
final class Transports {

  private static final McpJsonMapper MAPPER = Mapper.defaultMapper();

  private Transports() {}

  static StdioServerTransportProvider stdio() {
    return new StdioServerTransportProvider(MAPPER);
  }

  static HttpServletStreamableServerTransportProvider streamable(String endpoint) {
    return HttpServletStreamableServerTransportProvider.builder().jsonMapper(MAPPER).mcpEndpoint(endpoint).build();
  }

  static HttpServletSseServerTransportProvider sse(String sseEndpoint, String messageEndpoint) {
    return HttpServletSseServerTransportProvider.builder().jsonMapper(MAPPER)
        .sseEndpoint(sseEndpoint).messageEndpoint(messageEndpoint).build();
  }

  static HttpServletStatelessServerTransport stateless(String endpoint) {
    return HttpServletStatelessServerTransport.builder().jsonMapper(MAPPER).messageEndpoint(endpoint).build();
  }
}
