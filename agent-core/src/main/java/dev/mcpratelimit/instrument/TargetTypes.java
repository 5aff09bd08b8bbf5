package dev.mcpratelimit.instrument;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Every class the instrumentation modules may change, by binary name, as the modules list them in
 * {@value #RESOURCE} (the jar holds them appended; each module's test checks its list against its
 * points). Read at JVM start, when loading a module would load Byte Buddy on the host's thread:
 * only these classes wait for the instrumentation, and the rest of the SDK loads while it is built.
 * A class marked {@value #NOT_WAITED_FOR} is changed too, but never waited for
 * ({@link InstrumentationPoint#notWaitedFor}).
 *
 * @param waitedFor the classes that wait for the instrumentation
 * @param notWaitedFor the classes it changes only if they load once it is ready
 */
record TargetTypes(Set<String> waitedFor, Set<String> notWaitedFor) {

  static final String RESOURCE = "META-INF/mcp-ratelimit/targets";
  static final String NOT_WAITED_FOR = "(not waited for)";

  /** Every class, waited for or not, by internal name. */
  List<String> internalNames() {
    return Stream.concat(waitedFor.stream(), notWaitedFor.stream()).map(name -> name.replace('.', '/')).sorted().toList();
  }

  static TargetTypes in(ClassLoader agentLoader) throws IOException {
    try (InputStream in = agentLoader.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IOException(RESOURCE + " is not in the agent jar");
      }
      return read(in);
    }
  }

  /** The list as one module's file or the jar's appended one gives it. */
  static TargetTypes read(InputStream in) throws IOException {
    Set<String> waitedFor = new HashSet<>();
    Set<String> notWaitedFor = new HashSet<>();
    BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    for (String line; (line = lines.readLine()) != null; ) {
      String type = line.strip();
      if (type.isEmpty() || type.startsWith("#")) {
        continue;
      }
      if (type.endsWith(NOT_WAITED_FOR)) {
        notWaitedFor.add(type.substring(0, type.length() - NOT_WAITED_FOR.length()).strip());
      } else {
        waitedFor.add(type);
      }
    }
    return new TargetTypes(Set.copyOf(waitedFor), Set.copyOf(notWaitedFor));
  }
}
