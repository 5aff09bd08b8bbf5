package dev.mcpratelimit.it;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema.Implementation;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** The MCP SDK's own sync client, over Streamable HTTP (with an API key header) or stdio. */
public final class McpClients {

  public static final String API_KEY_HEADER = "X-API-Key";

  private McpClients() {}

  /** An initialized client sending {@code X-API-Key: apiKey} with every request ({@code null}: no header). */
  public static McpSyncClient http(ForkedServer server, String apiKey) {
    return http(server, API_KEY_HEADER, apiKey);
  }

  /** An initialized client sending {@code header: value} with every request ({@code null} value: no header). */
  public static McpSyncClient http(ForkedServer server, String header, String value) {
    return http(server, value == null ? Map.of() : Map.of(header, value), null);
  }

  /**
   * An initialized client sending {@code headers} with every request and, unless {@code clientName}
   * is {@code null}, naming itself {@code clientName} in the {@code clientInfo} of its
   * {@code initialize}.
   */
  public static McpSyncClient http(ForkedServer server, Map<String, String> headers, String clientName) {
    HttpClientStreamableHttpTransport.Builder transport = HttpClientStreamableHttpTransport.builder(server.baseUrl())
        .endpoint("/mcp")
        .connectTimeout(Duration.ofSeconds(10));
    if (!headers.isEmpty()) {
      Map<String, String> copy = Map.copyOf(headers);
      transport.addHttpRequestCustomizer((request, method, uri, body, context) -> copy.forEach(request::header));
    }
    return initialized(transport.build(), clientName);
  }

  /**
   * An initialized client that starts {@code java <jvmArgs>} itself and talks to it over
   * stdin/stdout; the server's stderr lines go to {@code stderr}.
   */
  public static McpSyncClient stdio(List<String> jvmArgs, Consumer<String> stderr) {
    ServerParameters parameters = ServerParameters.builder(ForkedServer.javaBinary()).args(jvmArgs).build();
    StdioClientTransport transport = new StdioClientTransport(parameters, McpJsonDefaults.getMapper());
    transport.setStdErrorHandler(stderr);
    return initialized(transport, null);
  }

  private static McpSyncClient initialized(McpClientTransport transport, String clientName) {
    McpClient.SyncSpec spec = McpClient.sync(transport)
        .requestTimeout(Duration.ofSeconds(20))
        .initializationTimeout(Duration.ofSeconds(30));
    if (clientName != null) {
      spec.clientInfo(new Implementation(clientName, "1.0"));
    }
    McpSyncClient client = spec.build();
    try {
      client.initialize();
    } catch (RuntimeException e) {
      client.close();
      throw e;
    }
    return client;
  }

  /** What goes into {@code caller.<id>.api-key-sha256}: the key's SHA-256, lower-case hex. */
  public static String sha256(String apiKey) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(apiKey.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
