package dev.mcpratelimit.benchmarks;

import static dev.mcpratelimit.benchmarks.LoadRuns.javaBinary;
import static dev.mcpratelimit.benchmarks.LoadRuns.loadAverage;
import static dev.mcpratelimit.benchmarks.LoadRuns.median;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the agent's start-up time goes, without a line of the agent changed: the sample server's
 * stdio start with stdin at end of file, in several variants run round-robin (medians, and each
 * median's difference from no agent at all), then one run of each with {@code -Xlog:class+load}
 * (classes loaded, by origin, and when the agent's phases begin), then the agent once more under
 * {@link PremainTimer}, which times its {@code premain}, its transformer installs and every call of
 * its class-file transformers. Every start with the agent has no weaving cache, as the first after
 * installing or upgrading it; the jar's shipped weaves serve an SDK release it ships.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.mcpratelimit.benchmarks.StartupProfile [--rounds 9] \
 *     [--agent agent/target/mcp-ratelimit-agent.jar] [--server sample-mcp-server/target/sample-mcp-server.jar] \
 *     [--config demo/ratelimit.properties] [--compare another-build-of-the-agent.jar]
 * </pre>
 */
public final class StartupProfile {

  private static final Pattern CLASS_LOAD = Pattern.compile("^\\[(\\d+\\.\\d+)s\\]\\s*(\\S+) source: (.*)$");

  private StartupProfile() {}

  /**
   * Every start with the agent as the first after installing or upgrading it: with the weaving cache
   * (the user's own, by default) all but the first would be served from it. {@code OverheadRun} times
   * warm starts, and starts of an SDK the jar does not ship, too.
   */
  private static final String COLD = "-Dmcp.ratelimit.weaving-cache=off";

  private record Variant(String label, List<String> options) {}

  public static void main(String[] args) throws Exception {
    Path agent = Path.of("agent/target/mcp-ratelimit-agent.jar").toAbsolutePath();
    Path server = Path.of("sample-mcp-server/target/sample-mcp-server.jar").toAbsolutePath();
    Path config = Path.of("demo/ratelimit.properties").toAbsolutePath();
    int rounds = 9;
    Path compare = null; // another build of the agent, timed in the same rounds
    for (int i = 0; i < args.length; i += 2) {
      switch (args[i]) {
        case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
        case "--agent" -> agent = Path.of(args[i + 1]).toAbsolutePath();
        case "--server" -> server = Path.of(args[i + 1]).toAbsolutePath();
        case "--config" -> config = Path.of(args[i + 1]).toAbsolutePath();
        case "--compare" -> compare = Path.of(args[i + 1]).toAbsolutePath();
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    Path wrapper = wrapperJar();
    Path minimal = Files.createTempFile("startup-profile", ".properties");
    minimal.toFile().deleteOnExit();
    Files.writeString(minimal, "tier.unlimited.rate=1000000/min\ntier.unlimited.burst=1000000\n"
        + "caller.overhead.api-key-sha256=" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
        .digest("overhead-run-key".getBytes(StandardCharsets.UTF_8))) + "\ncaller.overhead.tier=unlimited\n");

    List<Variant> variants = new ArrayList<>(List.of(
        new Variant("no agent", List.of()),
        new Variant("empty -javaagent (does nothing)", List.of("-javaagent:" + wrapper + "=empty")),
        new Variant("-javaagent with one no-op retransform-capable transformer",
            List.of("-javaagent:" + wrapper + "=noop-transformer")),
        new Variant("the agent, built-in defaults (no file)", List.of(COLD, "-javaagent:" + agent)),
        new Variant("the agent, one caller, no method target", List.of(COLD, "-javaagent:" + agent + "=" + minimal)),
        new Variant("the agent, " + Path.of("").toAbsolutePath().relativize(config) + " (one method target)",
            List.of(COLD, "-javaagent:" + agent + "=" + config))));
    if (compare != null) {
      variants.add(new Variant("--compare " + compare.getFileName() + ", same file",
          List.of(COLD, "-javaagent:" + compare + "=" + config)));
    }

    System.out.printf(Locale.ROOT, "StartupProfile: %d rounds, %d CPUs, load average %s%n", rounds,
        Runtime.getRuntime().availableProcessors(), loadAverage());
    Map<Variant, double[]> millis = new LinkedHashMap<>();
    for (Variant variant : variants) {
      millis.put(variant, new double[rounds]);
    }
    for (Variant variant : variants) {
      run(server, variant.options(), null); // once unmeasured: page cache
    }
    for (int round = 0; round < rounds; round++) {
      // rotate the order so that no variant always follows the same one
      for (int k = 0; k < variants.size(); k++) {
        Variant variant = variants.get((k + round) % variants.size());
        millis.get(variant)[round] = run(server, variant.options(), null);
      }
    }
    double base = median(millis.get(variants.get(0)));
    System.out.println();
    System.out.println("| variant | median ms | range ms | median − no agent |");
    System.out.println("|---|---|---|---|");
    for (Variant variant : variants) {
      double[] sorted = millis.get(variant).clone();
      Arrays.sort(sorted);
      System.out.printf(Locale.ROOT, "| %s | %.0f | %.0f..%.0f | %+.0f ms |%n", variant.label(), median(sorted), sorted[0],
          sorted[sorted.length - 1], median(sorted) - base);
    }
    System.out.println("load average: " + loadAverage());

    System.out.println();
    System.out.println("classes loaded (-Xlog:class+load, one run each):");
    Map<String, Integer> baseline = null;
    for (Variant variant : List.of(variants.get(0), variants.get(2), variants.get(5))) {
      Path log = Files.createTempFile("class-load", ".log");
      List<String> options = new ArrayList<>(variant.options());
      options.add("-Xlog:class+load=info:file=" + log + ":uptime");
      run(server, options, null);
      Map<String, Integer> groups = classLoads(log, variant.label());
      if (baseline == null) {
        baseline = groups;
      } else {
        Map<String, Integer> extra = new TreeMap<>();
        for (Map.Entry<String, Integer> group : groups.entrySet()) {
          int more = group.getValue() - baseline.getOrDefault(group.getKey(), 0);
          if (more >= 10) {
            extra.put(group.getKey(), more);
          }
        }
        System.out.println("    more than without an agent, by package (>= 10): " + extra);
      }
      Files.deleteIfExists(log);
    }

    System.out.println();
    System.out.println("the agent (" + config.getFileName() + ") under PremainTimer, 3 runs:");
    for (int i = 0; i < 3; i++) {
      Path err = Files.createTempFile("premain-timer", ".txt");
      double took = run(server, List.of(COLD, "-javaagent:" + wrapper + "=wrap|" + agent + "|" + config + "|" + err), null);
      System.out.printf(Locale.ROOT, "  run %d: %.0f ms in all%n", i + 1, took);
      for (String line : Files.readAllLines(err)) {
        if (line.startsWith("[premain-timer]")) {
          System.out.println("    " + line.substring("[premain-timer] ".length()));
        }
      }
      Files.deleteIfExists(err);
    }
  }

  /** Counts the classes of one run's class+load log by origin and package group; prints the timeline. */
  private static Map<String, Integer> classLoads(Path log, String label) throws IOException {
    Map<String, Integer> bySource = new TreeMap<>();
    Map<String, Integer> byPackage = new TreeMap<>();
    Map<String, Double> firstOf = new LinkedHashMap<>();
    int total = 0;
    double last = 0;
    for (String line : Files.readAllLines(log)) {
      Matcher m = CLASS_LOAD.matcher(line);
      if (!m.matches()) {
        continue;
      }
      total++;
      double at = Double.parseDouble(m.group(1)) * 1000;
      last = at;
      String name = m.group(2);
      String source = m.group(3);
      String origin = source.startsWith("shared objects file") ? "CDS archive"
          : source.startsWith("jrt:/") ? "JDK modules (not in CDS)"
          : source.contains("mcp-ratelimit-agent") ? "agent jar"
          : source.contains("sample-mcp-server") ? "server jar"
          : source.startsWith("__") || source.contains("Lambda") || source.contains("java.lang.invoke") ? "generated"
          : "other";
      bySource.merge(origin, 1, Integer::sum);
      String group = group(name);
      byPackage.merge(group, 1, Integer::sum);
      for (String marker : List.of("dev.mcpratelimit.instrument.", "dev.mcpratelimit.config.", "dev.mcpratelimit.shaded.caffeine.",
          "javax.management.", "java.util.logging.", "dev.mcpratelimit.shaded.bytebuddy.agent.builder.",
          "com.example.music.MusicServer", "io.modelcontextprotocol.server.McpAsyncServer")) {
        if (name.startsWith(marker)) {
          firstOf.putIfAbsent(marker, at);
        }
      }
    }
    System.out.printf(Locale.ROOT, "  %s: %d classes by %.0f ms (last class load); by origin %s%n", label, total, last,
        bySource);
    if (!firstOf.isEmpty()) {
      StringBuilder timeline = new StringBuilder();
      firstOf.forEach((marker, at) -> timeline.append(String.format(Locale.ROOT, " %s %.0f ms;", marker, at)));
      System.out.println("    first class of:" + timeline);
    }
    return byPackage;
  }

  /** A package group: the agent's own packages apart, otherwise the first two or three name parts. */
  private static String group(String className) {
    for (String prefix : List.of("dev.mcpratelimit.shaded.bytebuddy", "dev.mcpratelimit.shaded.caffeine",
        "dev.mcpratelimit", "javax.management", "com.sun.jmx", "sun.management", "java.lang.management",
        "com.sun.management", "java.util.logging", "java.util.concurrent", "java.lang.invoke", "java.lang.reflect",
        "jdk.internal.reflect", "java.util.jar", "java.util.zip", "sun.security", "java.security", "java.util.regex",
        "java.lang.instrument", "sun.instrument", "java.rmi", "sun.rmi")) {
      if (className.startsWith(prefix + ".")) {
        return prefix;
      }
    }
    String[] parts = className.split("\\.");
    return parts.length <= 2 ? className : parts[0] + "." + parts[1];
  }

  private static double run(Path server, List<String> options, Path stderr) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(javaBinary());
    command.addAll(options);
    command.addAll(List.of("-jar", server.toString(), "--stdio"));
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(stderr == null ? ProcessBuilder.Redirect.DISCARD : ProcessBuilder.Redirect.to(stderr.toFile()));
    long start = System.nanoTime();
    Process process = builder.start();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("did not exit within 60 s: " + command);
    }
    long took = System.nanoTime() - start;
    if (process.exitValue() != 0) {
      throw new IllegalStateException("exit " + process.exitValue() + ": " + command);
    }
    return took / 1e6;
  }

  /** A jar holding only {@link PremainTimer}, as a {@code -javaagent} of its own. */
  private static Path wrapperJar() throws IOException {
    Path jar = Files.createTempFile("premain-timer", ".jar");
    jar.toFile().deleteOnExit();
    Manifest manifest = new Manifest();
    Attributes attributes = manifest.getMainAttributes();
    attributes.put(Attributes.Name.MANIFEST_VERSION, "1.0");
    attributes.putValue("Premain-Class", PremainTimer.class.getName());
    attributes.putValue("Can-Retransform-Classes", "true");
    attributes.putValue("Can-Redefine-Classes", "true");
    try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest)) {
      String prefix = PremainTimer.class.getName().replace('.', '/');
      for (String suffix : List.of("", "$1", "$TimedTransformer", "$TimedInstrumentation")) {
        String entry = prefix + suffix + ".class";
        try (InputStream in = StartupProfile.class.getClassLoader().getResourceAsStream(entry)) {
          if (in == null) {
            throw new IllegalStateException("missing " + entry);
          }
          out.putNextEntry(new JarEntry(entry));
          in.transferTo(out);
          out.closeEntry();
        }
      }
    }
    return jar;
  }
}
