package dev.mcpratelimit.benchmarks;

import static dev.mcpratelimit.benchmarks.LoadRuns.destroy;
import static dev.mcpratelimit.benchmarks.LoadRuns.javaBinary;
import static dev.mcpratelimit.benchmarks.LoadRuns.required;

import dev.mcpratelimit.identity.ApiKeys;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * A load run, not a test: a premium caller's per-call latency (sequential {@code get_track} calls
 * with the official MCP SDK client over Streamable HTTP) on the sample server with the agent
 * attached, first without any other load, then while several threads flood the server as one
 * anonymous free-tier caller, every call of which is rejected once its burst is spent. The ratios
 * are flood / quiet; a last run without load ("quiet again") shows how much the machine's own
 * noise moves the numbers.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.mcpratelimit.benchmarks.FloodLatency \
 *     [--agent agent/target/mcp-ratelimit-agent.jar] [--server sample-mcp-server/target/sample-mcp-server.jar] \
 *     [--warmup 5000] [--calls 2000] [--flood-threads 6] [--reject-status 429] [--flood-allowed]
 *     [--jvm-option -Xmx256m]...
 * </pre>
 *
 * <p>The premium caller warms up with {@code --warmup} calls before the quiet run (fewer leave the
 * JIT compiling during it, which makes the quiet run slow and the ratios look better than they
 * are), and with at most 500 more under the flood before that run. {@code --flood-allowed} is the
 * control: the flooding threads call with the key of an unlimited tier, so the same load is
 * admitted and runs the tool instead of being rejected.
 *
 * <p>Paths are relative to the working directory (the repository root by default). The server JVM
 * is always destroyed at the end, also on failure or Ctrl-C.
 */
public final class FloodLatency {

  private static final String PREMIUM_KEY = "flood-latency-premium-key";
  private static final String BULK_KEY = "flood-latency-bulk-key";
  private static final int FLOOD_WARMUP = 500;
  private static final Map<String, Object> TRACK = Map.of("id", "trk-1-1");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private FloodLatency() {}

  /** Latencies of one run, in nanoseconds. */
  record Stats(String name, long[] nanos) {
    static Stats of(String name, long[] nanos) {
      long[] sorted = nanos.clone();
      Arrays.sort(sorted);
      return new Stats(name, sorted);
    }

    /** Nearest-rank percentile. */
    double percentileMicros(double p) {
      int rank = (int) Math.ceil(p / 100.0 * nanos.length);
      return nanos[Math.max(0, Math.min(nanos.length - 1, rank - 1))] / 1_000.0;
    }

    double meanMicros() {
      return Arrays.stream(nanos).average().orElse(0) / 1_000.0;
    }

    double maxMicros() {
      return nanos[nanos.length - 1] / 1_000.0;
    }
  }

  public static void main(String[] args) throws Exception {
    Path agent = Path.of("agent/target/mcp-ratelimit-agent.jar");
    Path serverJar = Path.of("sample-mcp-server/target/sample-mcp-server.jar");
    int warmup = 5_000;
    boolean floodAllowed = false;
    int calls = 2_000;
    int floodThreads = 6;
    int rejectStatus = 429;
    List<String> jvmOptions = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--flood-allowed")) {
        floodAllowed = true;
        continue;
      }
      String value = i + 1 < args.length ? args[i + 1] : null;
      switch (args[i]) {
        case "--agent" -> agent = Path.of(required(args[i], value));
        case "--server" -> serverJar = Path.of(required(args[i], value));
        case "--warmup" -> warmup = Integer.parseInt(required(args[i], value));
        case "--calls" -> calls = Integer.parseInt(required(args[i], value));
        case "--flood-threads" -> floodThreads = Integer.parseInt(required(args[i], value));
        case "--reject-status" -> rejectStatus = Integer.parseInt(required(args[i], value));
        case "--jvm-option" -> jvmOptions.add(required(args[i], value));
        default -> throw new IllegalArgumentException("unknown argument " + args[i] + "; usage: FloodLatency [--agent JAR]"
            + " [--server JAR] [--warmup N] [--calls N] [--flood-threads N] [--reject-status S] [--flood-allowed]"
            + " [--jvm-option OPT]...");
      }
      i++;
    }
    if (jvmOptions.isEmpty()) {
      jvmOptions.add("-Xmx256m");
    }
    for (Path jar : List.of(agent, serverJar)) {
      if (!Files.isRegularFile(jar)) {
        throw new IllegalArgumentException(jar.toAbsolutePath() + " does not exist (build with mvn -B -q -DskipTests package)");
      }
    }

    Path config = Files.createTempFile("flood-latency", ".properties");
    config.toFile().deleteOnExit();
    // free: a burst of 10 that refills at 10/h, so the flood is rejected from its 11th call on.
    // premium: sized so the measured caller is never limited; what is measured is the flood's cost to it.
    Files.writeString(config, String.join("\n",
        "tier.free.rate=10/h",
        "tier.free.burst=10",
        "tier.premium.rate=100000/min",
        "tier.premium.burst=100000",
        "default-tier=free",
        "reject.http-status=" + rejectStatus,
        "caller.premium.api-key-sha256=" + ApiKeys.sha256Hex(PREMIUM_KEY),
        "caller.premium.tier=premium",
        // only with --flood-allowed: the flood's key, on a tier that never limits it
        "tier.bulk.rate=1000000/min",
        "tier.bulk.burst=1000000",
        "caller.bulk.api-key-sha256=" + ApiKeys.sha256Hex(BULK_KEY),
        "caller.bulk.tier=bulk") + "\n", StandardCharsets.UTF_8);

    List<String> command = new ArrayList<>();
    command.add(javaBinary());
    command.addAll(jvmOptions);
    command.add("-javaagent:" + agent.toAbsolutePath() + "=" + config.toAbsolutePath());
    command.addAll(List.of("-jar", serverJar.toAbsolutePath().toString(), "--port", "0"));
    System.out.println("server: " + String.join(" ", command));
    System.out.printf(Locale.ROOT, "warm-up %d calls, then %d measured calls per run; flood: %d threads, %s; %d CPUs%n",
        warmup, calls, floodThreads, floodAllowed ? "CONTROL: allowed calls on an unlimited tier"
            : "anonymous free-tier caller, rejections with HTTP " + rejectStatus,
        Runtime.getRuntime().availableProcessors());

    Process server = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.PIPE).start();
    Thread reaper = new Thread(() -> destroy(server), "flood-latency-reaper");
    Runtime.getRuntime().addShutdownHook(reaper);
    ServerLog log = new ServerLog(server);
    try {
      String baseUrl = "http://127.0.0.1:" + log.awaitPort();
      run(baseUrl, warmup, calls, floodThreads, floodAllowed ? BULK_KEY : null, log);
    } finally {
      destroy(server);
      try {
        Runtime.getRuntime().removeShutdownHook(reaper);
      } catch (IllegalStateException shuttingDown) {
        // the hook runs anyway
      }
    }
  }

  private static void run(String baseUrl, int warmup, int calls, int floodThreads, String floodKey, ServerLog log)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(floodThreads);
    List<McpSyncClient> flooders = new ArrayList<>();
    try (McpSyncClient premium = client(baseUrl, PREMIUM_KEY)) {
      measure(premium, warmup);
      Stats quiet = Stats.of("quiet", measure(premium, calls));

      List<Future<McpSyncClient>> connecting = new ArrayList<>();
      for (int i = 0; i < floodThreads; i++) {
        connecting.add(pool.submit(() -> client(baseUrl, floodKey)));
      }
      for (Future<McpSyncClient> client : connecting) {
        flooders.add(client.get(60, TimeUnit.SECONDS));
      }
      Flood flood = new Flood();
      List<Future<?>> flooding = new ArrayList<>();
      for (McpSyncClient client : flooders) {
        flooding.add(pool.submit(() -> flood.run(client)));
      }
      Stats underFlood;
      long floodCallsMeasured;
      long measuredNanos;
      try {
        measure(premium, Math.min(warmup, FLOOD_WARMUP)); // the premium caller warms up again, now under the flood
        long before = flood.calls.sum();
        long start = System.nanoTime();
        underFlood = Stats.of("flood", measure(premium, calls));
        measuredNanos = System.nanoTime() - start;
        floodCallsMeasured = flood.calls.sum() - before;
      } finally {
        flood.stop.set(true);
        for (Future<?> thread : flooding) {
          thread.get(60, TimeUnit.SECONDS);
        }
      }
      // Once more without load: how far the machine's noise alone moves the numbers (not part of the ratios).
      Stats quietAgain = Stats.of("quiet again", measure(premium, calls));

      System.out.println();
      System.out.println("| run | p50 µs | p90 µs | p99 µs | mean µs | max µs |");
      System.out.println("|---|---|---|---|---|---|");
      for (Stats stats : List.of(quiet, underFlood, quietAgain)) {
        System.out.printf(Locale.ROOT, "| %s | %.0f | %.0f | %.0f | %.0f | %.0f |%n", stats.name(),
            stats.percentileMicros(50), stats.percentileMicros(90), stats.percentileMicros(99), stats.meanMicros(),
            stats.maxMicros());
      }
      System.out.printf(Locale.ROOT, "| flood / quiet | %.2f | %.2f | %.2f | %.2f | %.2f |%n",
          underFlood.percentileMicros(50) / quiet.percentileMicros(50),
          underFlood.percentileMicros(90) / quiet.percentileMicros(90),
          underFlood.percentileMicros(99) / quiet.percentileMicros(99),
          underFlood.meanMicros() / quiet.meanMicros(), underFlood.maxMicros() / quiet.maxMicros());
      System.out.println();
      System.out.printf(Locale.ROOT, "flood: %d calls in all, %d allowed, %d rejected, %d other outcomes%s; "
              + "%d calls (%.0f/s) while the %d premium calls were measured%n",
          flood.calls.sum(), flood.allowed.sum(), flood.rejected.sum(), flood.other.sum(),
          flood.firstOther == null ? "" : " (first: " + flood.firstOther + ")",
          floodCallsMeasured, floodCallsMeasured / (measuredNanos / 1e9), calls);
      System.out.printf(Locale.ROOT, "server stderr: %d lines, %d of them rejection lines%n", log.lines.sum(),
          log.rejectionLines.sum());
    } finally {
      flooders.forEach(FloodLatency::closeQuietly);
      pool.shutdownNow();
    }
  }

  /** {@code count} sequential premium calls, each timed; any call that does not succeed ends the run. */
  private static long[] measure(McpSyncClient client, int count) {
    long[] nanos = new long[count];
    CallToolRequest request = CallToolRequest.builder("get_track").arguments(TRACK).build();
    for (int i = 0; i < count; i++) {
      long start = System.nanoTime();
      CallToolResult result;
      try {
        result = client.callTool(request);
      } catch (RuntimeException e) {
        throw new IllegalStateException("a premium call failed (the premium caller must never be limited): " + e, e);
      }
      nanos[i] = System.nanoTime() - start;
      if (Boolean.TRUE.equals(result.isError())) {
        throw new IllegalStateException("a premium call returned a tool error: " + result);
      }
    }
    return nanos;
  }

  /** The anonymous caller's flood: calls as fast as each thread can, counting the outcomes. */
  private static final class Flood {
    final AtomicBoolean stop = new AtomicBoolean();
    final LongAdder calls = new LongAdder();
    final LongAdder allowed = new LongAdder();
    final LongAdder rejected = new LongAdder();
    final LongAdder other = new LongAdder();
    volatile String firstOther;

    void run(McpSyncClient client) {
      CallToolRequest request = CallToolRequest.builder("get_track").arguments(TRACK).build();
      while (!stop.get()) {
        try {
          CallToolResult result = client.callTool(request);
          if (Boolean.TRUE.equals(result.isError())) {
            other("tool error " + result);
          } else {
            allowed.increment();
          }
        } catch (RuntimeException e) {
          // McpError with reject.http-status=200; with 429 a transport exception carrying the body.
          if (String.valueOf(e.getMessage()).contains("Rate limit exceeded")) {
            rejected.increment();
          } else {
            other(String.valueOf(e));
          }
        }
        calls.increment();
      }
    }

    private void other(String what) {
      other.increment();
      if (firstOther == null) {
        firstOther = what;
      }
    }
  }

  /** The server's output, drained: its port, and a count of its lines. */
  private static final class ServerLog {
    final LongAdder lines = new LongAdder();
    final LongAdder rejectionLines = new LongAdder();
    private final ServerLines output;

    ServerLog(Process process) {
      output = new ServerLines(process, "flood-latency-server", line -> {
        lines.increment();
        if (line.contains("INFO rejected: ")) {
          rejectionLines.increment();
        }
      });
    }

    int awaitPort() {
      return output.awaitPort(START_TIMEOUT.toSeconds());
    }
  }

  private static McpSyncClient client(String baseUrl, String apiKey) {
    HttpClientStreamableHttpTransport.Builder transport = HttpClientStreamableHttpTransport.builder(baseUrl)
        .endpoint("/mcp")
        .connectTimeout(Duration.ofSeconds(10));
    if (apiKey != null) {
      transport.addHttpRequestCustomizer((request, method, uri, body, context) -> request.header("X-API-Key", apiKey));
    }
    McpSyncClient client = McpClient.sync(transport.build())
        .requestTimeout(Duration.ofSeconds(30))
        .initializationTimeout(Duration.ofSeconds(30))
        .build();
    try {
      client.initialize();
    } catch (RuntimeException e) {
      closeQuietly(client);
      throw e;
    }
    return client;
  }

  private static void closeQuietly(McpSyncClient client) {
    try {
      client.close();
    } catch (RuntimeException e) {
      // closing at the end of a run
    }
  }
}
