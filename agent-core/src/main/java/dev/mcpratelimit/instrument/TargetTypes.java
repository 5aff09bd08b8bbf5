package dev.mcpratelimit.instrument;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

/**
 * Every class the instrumentation modules may change, by binary name, as the modules list them in
 * {@value #RESOURCE} (the jar holds them appended; each module's test checks its list against its
 * points). Read at JVM start, when loading a module would load Byte Buddy on the host's thread:
 * only these classes wait for the instrumentation, and the rest of the SDK loads while it is built.
 */
final class TargetTypes {

  static final String RESOURCE = "META-INF/mcp-ratelimit/targets";

  private TargetTypes() {}

  static Set<String> in(ClassLoader agentLoader) throws IOException {
    Set<String> types = new HashSet<>();
    try (InputStream in = agentLoader.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IOException(RESOURCE + " is not in the agent jar");
      }
      BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line; (line = lines.readLine()) != null; ) {
        String type = line.strip();
        if (!type.isEmpty() && !type.startsWith("#")) {
          types.add(type);
        }
      }
    }
    return types;
  }
}
