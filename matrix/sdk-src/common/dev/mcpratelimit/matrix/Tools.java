package dev.mcpratelimit.matrix;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** What every matrix server offers, whatever its SDK: the endpoints and the tools' answers. */
final class Tools {

  static final String MCP_ENDPOINT = "/mcp";
  static final String SSE_ENDPOINT = "/sse";
  static final String MESSAGE_ENDPOINT = "/mcp/message";

  static final String ECHO = "echo";
  static final String ECHO_DESCRIPTION = "Returns its text argument (cheap).";
  static final String SEARCH = "search";
  static final String SEARCH_DESCRIPTION = "Searches a small in-memory catalog (expensive upstream, in principle).";

  /** JSON Schema properties of each tool's one string argument. */
  static final Map<String, Object> ECHO_PROPERTIES = Map.of("text", Map.of("type", "string"));
  static final Map<String, Object> SEARCH_PROPERTIES = Map.of("query", Map.of("type", "string"));

  private static final List<String> CATALOG = List.of("blue train", "kind of blue", "blue in green", "so what");

  private Tools() {}

  static String echo(Map<String, Object> arguments) {
    return String.valueOf(arguments == null ? null : arguments.get("text"));
  }

  static String search(Map<String, Object> arguments) {
    String query = String.valueOf(arguments == null ? "" : arguments.get("query"));
    return String.join("\n", CATALOG.stream().filter(title -> title.contains(query)).toList());
  }

  /** The SDK's version, from the Maven metadata its jar carries (mcp-core from 0.13 on, mcp before). */
  static String sdkVersion() {
    for (String artifact : List.of("mcp-core", "mcp")) {
      String resource = "/META-INF/maven/io.modelcontextprotocol.sdk/" + artifact + "/pom.properties";
      try (InputStream in = Tools.class.getResourceAsStream(resource)) {
        if (in != null) {
          Properties properties = new Properties();
          properties.load(in);
          return properties.getProperty("version");
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return "unknown";
  }

  /** The name in the listening line: {@code mcp-sdk-VERSION/TRANSPORT}. */
  static String serverName(String transport) {
    return "mcp-sdk-" + sdkVersion() + "/" + transport;
  }
}
