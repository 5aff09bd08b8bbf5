package dev.mcpratelimit.benchmarks;

import static dev.mcpratelimit.benchmarks.LoadRuns.destroy;
import static dev.mcpratelimit.benchmarks.LoadRuns.javaBinary;
import static dev.mcpratelimit.benchmarks.LoadRuns.loadAverage;
import static dev.mcpratelimit.benchmarks.LoadRuns.median;
import static dev.mcpratelimit.benchmarks.LoadRuns.quantile;
import static dev.mcpratelimit.benchmarks.LoadRuns.required;

import dev.mcpratelimit.identity.ApiKeys;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * A load run, not a test: the agent's overhead on the sample MCP server, measured side by side in
 * one run, as ratios with the agent / without it.
 *
 * <ol>
 *   <li><b>Per call</b> ({@link PerCallOverhead}). Pairs of fresh server JVMs (Streamable HTTP),
 *       one without and one with {@code -javaagent}, running at the same time. Both get
 *       {@code --warmup} sequential {@code tools/call}s of {@code get_track} at once (not
 *       measured); then one client thread calls them in turn, {@code --block} calls each, until
 *       each had {@code --calls}. Measured over that one window, from outside each server: its
 *       CPU time ({@code utime + stime} of {@code /proc/<pid>/stat}; also split by thread from
 *       {@code /proc/<pid>/task/*}: JIT compilers, GC, the request threads, other), the heap it
 *       allocated ({@code TotalThreadAllocatedBytes} of its {@code java.lang:type=Threading}
 *       MXBean, over a local JMX connection opened through the Attach API), and each call's
 *       latency at the client. The caller has an API key on a tier it can never exhaust, so every
 *       call runs the tool. A server with the agent must list its {@code rate_limit_status} and
 *       one without it must not; each response with the agent must carry rate-limit headers
 *       (unless {@code --headers none}), and none without it.
 *   <li><b>Start-up.</b> Pairs of {@code java -jar sample-mcp-server.jar --stdio} with stdin at
 *       end of file, without and with the agent, the order alternating: the wall time from
 *       starting the process until it exits.
 * </ol>
 *
 * <p>The client is a few lines of HTTP/1.1 over one kept-alive socket per server in this JVM
 * ({@link RawMcpClient}), so that it costs the shared CPUs as little as possible; its cost is never
 * part of a server's CPU figure.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.mcpratelimit.benchmarks.OverheadRun \
 *     [--pairs 12] [--warmup 100000] [--calls 60000] [--block 1] [--control] [--pin-cpu LAST|none] [--startup-pairs 10] \
 *     [--agent agent/target/mcp-ratelimit-agent.jar] [--server sample-mcp-server/target/sample-mcp-server.jar] \
 *     [--startup-config demo/ratelimit.properties] [--only with|without] [--headers all|x-ratelimit|ietf|none] \
 *     [--jvm-option OPT]...
 * </pre>
 *
 * <p>{@code --pairs 0} or {@code --startup-pairs 0} skips that part. {@code --control} runs both
 * servers of each pair without the agent: the ratios then show the measurement's own spread.
 * {@code --pin-cpu} (default: the last CPU this run may use; {@code none} to leave the scheduler
 * alone) runs the client and both servers on those CPUs during the measured window. {@code --only with} runs the
 * agent's servers only (e.g. with {@code --jvm-option -XX:StartFlightRecording=...} to profile
 * them). {@code --headers} sets the per-call configuration's {@code headers} (default: unset, so
 * all five). Paths are relative to the working directory (the repository root by default). Every
 * server JVM is destroyed at the end of its run, also on failure or Ctrl-C.
 */
public final class OverheadRun {

  private static final String API_KEY = "overhead-run-key";
  private static final long START_TIMEOUT_SECONDS = 60;

  private OverheadRun() {}

  record Options(Path agent, Path server, int pairs, int warmup, int calls, int block, boolean control, String pinCpu,
      int startupPairs, Path startupConfig, String only, String headers, List<String> jvmOptions) {

    /** Whether responses of the agent's servers carry rate-limit headers. */
    boolean headersSent() {
      return !"none".equals(headers);
    }
  }

  public static void main(String[] args) throws Exception {
    Options options = parse(args);
    for (Path jar : List.of(options.agent(), options.server())) {
      if (!Files.isRegularFile(jar)) {
        throw new IllegalArgumentException(jar.toAbsolutePath() + " does not exist (build with mvn -B -q -DskipTests package)");
      }
    }
    Path config = Files.createTempFile("overhead-run", ".properties");
    config.toFile().deleteOnExit();
    // One caller with a key, on a tier it cannot exhaust: every call is admitted and runs the tool.
    List<String> lines = new ArrayList<>(List.of(
        "tier.unlimited.rate=1000000/min",
        "tier.unlimited.burst=1000000",
        "caller.overhead.api-key-sha256=" + ApiKeys.sha256Hex(API_KEY),
        "caller.overhead.tier=unlimited"));
    if (options.headers() != null) {
      lines.add("headers=" + options.headers());
    }
    Files.writeString(config, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);

    System.out.printf(Locale.ROOT, "OverheadRun: %d CPUs, %s %s, load average %s%n",
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
        System.getProperty("java.runtime.version"), loadAverage());
    System.out.println("server JVM options: " + String.join(" ", options.jvmOptions()));
    if (options.pairs() > 0) {
      new PerCallOverhead(options, config, API_KEY).run();
    }
    if (options.startupPairs() > 0) {
      startup(options);
    }
    System.out.println();
    System.out.println("load average at the end: " + loadAverage());
  }

  // ---- start-up ----

  /**
   * How a start-up is timed: without the agent; with it on a cold start (no weaving cache, as the
   * first one after installing or upgrading it: the jar's shipped weaves serve an SDK release it
   * ships); on a cold start of an SDK it does not ship (shipped weaves switched off too: Byte Buddy
   * weaves); and on a warm one (the cache filled by an earlier start of the same server).
   */
  private enum Start {
    WITHOUT("without"), COLD("with, no weaving cache"), UNSHIPPED("with, no weaving cache, shipped weaves off"),
    WARM("with, weaving cache filled");

    final String label;

    Start(String label) {
      this.label = label;
    }
  }

  private static void startup(Options options) throws Exception {
    Path config = options.startupConfig();
    Path cache = Files.createTempDirectory("overhead-weaving-cache");
    System.out.printf(Locale.ROOT, "%nstart-up: %d rounds of `java -jar %s --stdio` with stdin at end of file, "
        + "without and with -javaagent:%s=%s (no weaving cache; none and no shipped weaves; and one in %s), in turn; wall time until the process exits%n",
        options.startupPairs(), options.server(), options.agent(), config, cache);
    Start[] starts = Start.values();
    double[][] millis = new double[starts.length][options.startupPairs()];
    // one unmeasured start of each, so that all find the jars in the page cache (and the warm one its cache)
    for (Start start : starts) {
      startupMillis(options, start, cache);
    }
    for (int round = 0; round < options.startupPairs(); round++) {
      for (int k = 0; k < starts.length; k++) {
        Start start = starts[(round + k) % starts.length];
        millis[start.ordinal()][round] = startupMillis(options, start, cache);
      }
      double without = millis[Start.WITHOUT.ordinal()][round];
      System.out.printf(Locale.ROOT, "  round %d: without %.0f ms; cold %.0f ms (+%.0f); unshipped %.0f ms (+%.0f);"
              + " warm %.0f ms (+%.0f); load %s%n",
          round + 1, without, millis[Start.COLD.ordinal()][round], millis[Start.COLD.ordinal()][round] - without,
          millis[Start.UNSHIPPED.ordinal()][round], millis[Start.UNSHIPPED.ordinal()][round] - without,
          millis[Start.WARM.ordinal()][round], millis[Start.WARM.ordinal()][round] - without, loadAverage());
    }
    double[] without = millis[Start.WITHOUT.ordinal()].clone();
    Arrays.sort(without);
    System.out.printf(Locale.ROOT, "start-up: without median %.0f ms (%.0f..%.0f)%n", median(without), without[0],
        without[without.length - 1]);
    for (Start start : List.of(Start.COLD, Start.UNSHIPPED, Start.WARM)) {
      double[] with = millis[start.ordinal()].clone();
      double[] deltas = new double[with.length];
      double[] ratios = new double[with.length];
      for (int i = 0; i < with.length; i++) {
        deltas[i] = with[i] - millis[Start.WITHOUT.ordinal()][i];
        ratios[i] = with[i] / millis[Start.WITHOUT.ordinal()][i];
      }
      Arrays.sort(with);
      Arrays.sort(deltas);
      Arrays.sort(ratios);
      System.out.printf(Locale.ROOT, "  %s: median %.0f ms (%.0f..%.0f); difference of medians %.0f ms; per round: "
              + "median +%.0f ms (%.0f..%.0f), ratio median %.2f (%.2f..%.2f)%n",
          start.label, median(with), with[0], with[with.length - 1], median(with) - median(without), median(deltas),
          deltas[0], deltas[deltas.length - 1], median(ratios), ratios[0], ratios[ratios.length - 1]);
    }
    try (var files = Files.walk(cache)) {
      for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(file);
      }
    }
  }

  private static double startupMillis(Options options, Start start, Path cache) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(javaBinary());
    command.addAll(options.jvmOptions());
    if (start != Start.WITHOUT) {
      command.add("-Dmcp.ratelimit.weaving-cache=" + (start == Start.WARM ? cache.toAbsolutePath() : "off"));
      if (start == Start.UNSHIPPED) {
        command.add("-Dmcp.ratelimit.shipped-weaves=off");
      }
      command.add("-javaagent:" + options.agent().toAbsolutePath() + "=" + options.startupConfig().toAbsolutePath());
    }
    command.addAll(List.of("-jar", options.server().toAbsolutePath().toString(), "--stdio"));
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.DISCARD);
    long began = System.nanoTime();
    Process process = builder.start();
    if (!process.waitFor(START_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      destroy(process);
      throw new IllegalStateException("the stdio server did not exit within " + START_TIMEOUT_SECONDS + " s: " + command);
    }
    long took = System.nanoTime() - began;
    if (process.exitValue() != 0) {
      throw new IllegalStateException("the stdio server exited with " + process.exitValue() + ": " + command);
    }
    return took / 1e6;
  }

  private static Options parse(String[] args) throws Exception {
    Path agent = Path.of("agent/target/mcp-ratelimit-agent.jar");
    Path server = Path.of("sample-mcp-server/target/sample-mcp-server.jar");
    Path startupConfig = Path.of("demo/ratelimit.properties");
    int pairs = 12;
    int warmup = 100_000;
    int calls = 60_000;
    int block = 1;
    boolean control = false;
    String pinCpu = CpuPinning.last(CpuPinning.cpus(ProcessHandle.current().pid()));
    int startupPairs = 10;
    String only = null;
    String headers = null;
    List<String> jvmOptions = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String value = i + 1 < args.length ? args[i + 1] : null;
      switch (args[i]) {
        case "--agent" -> agent = Path.of(required(args[i], value));
        case "--server" -> server = Path.of(required(args[i], value));
        case "--startup-config" -> startupConfig = Path.of(required(args[i], value));
        case "--pairs" -> pairs = Integer.parseInt(required(args[i], value));
        case "--warmup" -> warmup = Integer.parseInt(required(args[i], value));
        case "--calls" -> calls = Integer.parseInt(required(args[i], value));
        case "--block" -> block = Integer.parseInt(required(args[i], value));
        case "--pin-cpu" -> pinCpu = required(args[i], value).equals("none") ? null : value;
        case "--control" -> {
          control = true;
          continue; // takes no value
        }
        case "--startup-pairs" -> startupPairs = Integer.parseInt(required(args[i], value));
        case "--only" -> {
          only = required(args[i], value);
          if (!only.equals("with") && !only.equals("without")) {
            throw new IllegalArgumentException("--only takes with or without");
          }
        }
        case "--headers" -> headers = required(args[i], value);
        case "--jvm-option" -> jvmOptions.add(required(args[i], value));
        default -> throw new IllegalArgumentException("unknown argument " + args[i] + "; usage: OverheadRun [--pairs N]"
            + " [--warmup N] [--calls N] [--block N] [--control] [--pin-cpu CPUS|none] [--startup-pairs N] [--agent JAR] [--server JAR] [--startup-config FILE]"
            + " [--only with|without] [--headers all|x-ratelimit|ietf|none] [--jvm-option OPT]...");
      }
      i++;
    }
    if (jvmOptions.isEmpty()) {
      jvmOptions.add("-Xmx256m");
    }
    if (block < 1) {
      throw new IllegalArgumentException("--block takes at least 1");
    }
    return new Options(agent, server, pairs, warmup, calls, block, control, pinCpu, startupPairs, startupConfig, only, headers,
        List.copyOf(jvmOptions));
  }
}
