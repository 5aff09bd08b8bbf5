package dev.mcpratelimit.matrix;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.server.transport.HttpServletSseServerTransportProvider;
import io.modelcontextprotocol.server.transport.HttpServletStatelessServerTransport;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;

/** SDK 0.11 and 0.12: every transport takes a Jackson 2 {@code ObjectMapper} (its builders require one). */
final class Transports {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Transports() {}

  static StdioServerTransportProvider stdio() {
    return new StdioServerTransportProvider(MAPPER);
  }

  static HttpServletStreamableServerTransportProvider streamable(String endpoint) {
    return HttpServletStreamableServerTransportProvider.builder().objectMapper(MAPPER).mcpEndpoint(endpoint).build();
  }

  static HttpServletSseServerTransportProvider sse(String sseEndpoint, String messageEndpoint) {
    return HttpServletSseServerTransportProvider.builder().objectMapper(MAPPER)
        .sseEndpoint(sseEndpoint).messageEndpoint(messageEndpoint).build();
  }

  static HttpServletStatelessServerTransport stateless(String endpoint) {
    return HttpServletStatelessServerTransport.builder().objectMapper(MAPPER).messageEndpoint(endpoint).build();
  }
}
