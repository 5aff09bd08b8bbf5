package dev.mcpratelimit.instrument;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.List;
import java.util.Properties;

/** The MCP SDK version a class loader sees, from the Maven metadata its jar carries, for log lines. */
final class SdkVersion {

  private static final List<String> ARTIFACTS = List.of(
      "META-INF/maven/io.modelcontextprotocol.sdk/mcp-core/pom.properties",
      "META-INF/maven/io.modelcontextprotocol.sdk/mcp/pom.properties");

  private SdkVersion() {}

  /** e.g. {@code "MCP SDK 0.17.0"}, or {@code "an MCP SDK of unknown version"}. */
  static String of(ClassLoader loader) {
    for (String resource : ARTIFACTS) {
      try (InputStream in = loader == null ? null : loader.getResourceAsStream(resource)) {
        byte[] content = in == null ? null : in.readAllBytes();
        WeaveInputs.read(resource, content); // a woven class's log lines name it
        if (content != null) {
          Properties properties = new Properties();
          properties.load(new ByteArrayInputStream(content));
          String version = properties.getProperty("version");
          if (version != null && version.length() <= 40) {
            return "MCP SDK " + version.replaceAll("[^0-9A-Za-z.+-]", "?");
          }
        }
      } catch (Exception | LinkageError e) {
        // unreadable metadata only costs the version in a log line
      }
    }
    return "an MCP SDK of unknown version";
  }
}
