package dev.mcpratelimit.benchmarks;

import static dev.mcpratelimit.benchmarks.LoadRuns.destroy;
import static dev.mcpratelimit.benchmarks.LoadRuns.javaBinary;
import static dev.mcpratelimit.benchmarks.LoadRuns.required;

import com.sun.tools.attach.VirtualMachine;
import dev.mcpratelimit.identity.ApiKeys;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * A soak load run, not a test: the sample server (Streamable HTTP) with the packaged agent and
 * {@code -Xmx256m}, driven for a long time (30 minutes by default) with a modest mix of valid and
 * hostile traffic, while its heap after GC, the agent's tracked buckets, internal errors and MBeans,
 * and the server's log bytes are read every minute.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.mcpratelimit.benchmarks.SoakRun \
 *     [--duration 30m] [--keyed-rate 20] [--anon-rate 100] [--hostile-rate 30] [--addresses 100000] \
 *     [--interval 60s] [--agent agent/target/mcp-ratelimit-agent.jar] \
 *     [--server sample-mcp-server/target/sample-mcp-server.jar] [--jvm-option -Xmx256m]...
 * </pre>
 *
 * <p>Traffic, each stream from its own client thread at its own rate (calls per second):
 *
 * <ul>
 *   <li>keyed ({@code --keyed-rate}): callers with API keys. alice (premium), dave (enterprise) and
 *       bob (basic, at a fixed 0.5 calls/s, also calling {@code search_tracks}, which has a
 *       per-tool limit on basic) stay within their limits and must never be refused; carol (basic)
 *       calls far more often than her tier allows, also the per-tool and the globally limited tool.
 *       alice asks {@code rate_limit_status} every 30 s.
 *   <li>anonymous ({@code --anon-rate}, two threads): bursts of 50 calls, each from the next of
 *       {@code --addresses} distinct addresses given by {@code X-Forwarded-For} (the server's peer,
 *       127.0.0.1, is a trusted proxy), every tenth address calling three times (the free tier's
 *       burst is 2); some forwarded chains have spoofed hops on the left.
 *   <li>hostile ({@code --hostile-rate}): invented tool names (all distinct; every 20th 10 to 100
 *       KB long, every 200th 1 MB; some with control and non-ASCII characters), junk headers over a
 *       raw socket (huge, control-character, NUL, non-ASCII and repeated {@code X-API-Key} values,
 *       hundreds of {@code X-Forwarded-For} hops, garbage and repeated forwarded lines, folded
 *       lines), malformed JSON-RPC, anonymous {@code rate_limit_status} calls, tools/list and ping.
 * </ul>
 *
 * <p>It prints one line per interval and a summary: calls by kind and outcome (HTTP status and
 * JSON-RPC outcome), failed requests, heap after GC min/max/last, log bytes per minute, and a
 * PASS/FAIL verdict: PASS needs every call of a caller within its limits admitted, the server
 * answering throughout (every valid keyed call and every interval's probe answered, the process
 * alive at the end) and {@code InternalErrors} 0 at every reading. The server JVM is always
 * destroyed at the end, also on failure or Ctrl-C. Exit status 0 on PASS, 1 on FAIL.
 */
public final class SoakRun {

  private static final Pattern LISTENING = Pattern.compile("\\S+ listening on http://127\\.0\\.0\\.1:(\\d+)/mcp");
  private static final Pattern ERROR_CODE = Pattern.compile("\"error\"\\s*:\\s*\\{\\s*\"code\"\\s*:\\s*(-?\\d+)");
  private static final String PROTOCOL_VERSION = "2025-06-18";
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
  private static final int ANON_BURST = 50;

  private static final Map<String, String> KEYS = Map.of(
      "alice", "soak-alice-premium-key",
      "bob", "soak-bob-basic-key",
      "carol", "soak-carol-basic-over-key",
      "dave", "soak-dave-enterprise-key",
      "eve", "soak-eve-free-key");

  private final String host;
  private final int port;
  private final URI uri;
  private final int addresses;
  private final HttpClient http = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(10))
      .build();
  private final AtomicBoolean stop = new AtomicBoolean();
  private final AtomicLong ids = new AtomicLong(1);
  private final AtomicLong nextAddress = new AtomicLong();
  private final AtomicLong inventedNames = new AtomicLong();

  /** kind -> outcome -> count. */
  private final Map<String, Map<String, LongAdder>> outcomes = new ConcurrentHashMap<>();
  private final LongAdder calls = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final LongAdder sessionRestarts = new LongAdder();
  private final LongAdder withinRefused = new LongAdder();
  private final LongAdder withinFailed = new LongAdder();
  private final AtomicLong withinMaxMicros = new AtomicLong();
  private final ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<String> firstFailures = new ConcurrentLinkedQueue<>();

  private SoakRun(String host, int port, int addresses) {
    this.host = host;
    this.port = port;
    this.uri = URI.create("http://" + host + ":" + port + "/mcp");
    this.addresses = addresses;
  }

  public static void main(String[] args) throws Exception {
    Path agent = Path.of("agent/target/mcp-ratelimit-agent.jar");
    Path serverJar = Path.of("sample-mcp-server/target/sample-mcp-server.jar");
    Duration duration = Duration.ofMinutes(30);
    Duration interval = Duration.ofSeconds(60);
    double keyedRate = 20;
    double anonRate = 100;
    double hostileRate = 30;
    int addresses = 100_000;
    List<String> jvmOptions = new ArrayList<>();
    for (int i = 0; i < args.length; i += 2) {
      String value = i + 1 < args.length ? args[i + 1] : null;
      switch (args[i]) {
        case "--agent" -> agent = Path.of(required(args[i], value));
        case "--server" -> serverJar = Path.of(required(args[i], value));
        case "--duration" -> duration = duration(required(args[i], value));
        case "--interval" -> interval = duration(required(args[i], value));
        case "--keyed-rate" -> keyedRate = Double.parseDouble(required(args[i], value));
        case "--anon-rate" -> anonRate = Double.parseDouble(required(args[i], value));
        case "--hostile-rate" -> hostileRate = Double.parseDouble(required(args[i], value));
        case "--addresses" -> addresses = Integer.parseInt(required(args[i], value));
        case "--jvm-option" -> jvmOptions.add(required(args[i], value));
        default -> throw new IllegalArgumentException("unknown argument " + args[i] + "; usage: SoakRun [--duration 30m]"
            + " [--interval 60s] [--keyed-rate 20] [--anon-rate 100] [--hostile-rate 30] [--addresses 100000]"
            + " [--agent JAR] [--server JAR] [--jvm-option OPT]...");
      }
    }
    if (jvmOptions.isEmpty()) {
      jvmOptions.add("-Xmx256m");
    }
    if (keyedRate <= 0 || anonRate <= 0 || hostileRate <= 0 || addresses < ANON_BURST) {
      throw new IllegalArgumentException("rates must be positive and --addresses at least " + ANON_BURST);
    }
    for (Path jar : List.of(agent, serverJar)) {
      if (!Files.isRegularFile(jar)) {
        throw new IllegalArgumentException(jar.toAbsolutePath() + " does not exist (build with mvn -B -q -DskipTests install)");
      }
    }

    Path config = Files.createTempFile("soak-run", ".properties");
    config.toFile().deleteOnExit();
    List<String> lines = new ArrayList<>(List.of(
        "# anonymous callers: a burst of 2 refilling at 10/h, so a bucket charged once lives about 6 min",
        "tier.free.rate=10/h",
        "tier.free.burst=2",
        "tier.basic.rate=120/min",
        "tier.basic.burst=60",
        "tier.premium.rate=6000/min",
        "tier.premium.burst=1000",
        "tier.enterprise.rate=20000/min",
        "tier.enterprise.burst=5000",
        "default-tier=free",
        "trusted-proxies=127.0.0.1",
        "caller.alice.tier=premium",
        "caller.bob.tier=basic",
        "caller.carol.tier=basic",
        "caller.dave.tier=enterprise",
        "caller.eve.tier=free",
        "# per-tool limit",
        "tool.search_tracks.tier.basic.rate=10/min",
        "tool.search_tracks.tier.basic.burst=5",
        "# global limit, shared by every caller (only anonymous callers and carol call it)",
        "tool.recommend_tracks.global.rate=120/min",
        "tool.recommend_tracks.global.burst=30",
        "reject.http-status=429"));
    for (Map.Entry<String, String> key : new TreeMap<>(KEYS).entrySet()) {
      lines.add("caller." + key.getKey() + ".api-key-sha256=" + ApiKeys.sha256Hex(key.getValue()));
    }
    Files.writeString(config, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);

    List<String> command = new ArrayList<>();
    command.add(javaBinary());
    command.addAll(jvmOptions);
    command.add("-javaagent:" + agent.toAbsolutePath() + "=" + config.toAbsolutePath());
    command.addAll(List.of("-jar", serverJar.toAbsolutePath().toString(), "--port", "0"));
    System.out.println("server: " + String.join(" ", command));
    System.out.printf(Locale.ROOT, "soak: %d s, report every %d s; keyed %.1f/s, anonymous %.1f/s over %d addresses,"
            + " hostile %.1f/s (about %.0f calls/s); %d CPUs%n", duration.toSeconds(), interval.toSeconds(), keyedRate,
        anonRate, addresses, hostileRate, keyedRate + anonRate + hostileRate + 0.5,
        Runtime.getRuntime().availableProcessors());

    Process server = new ProcessBuilder(command).start();
    server.getOutputStream().close();
    Thread reaper = new Thread(() -> destroy(server), "soak-reaper");
    Runtime.getRuntime().addShutdownHook(reaper);
    ServerOutput stderr = new ServerOutput(server.getErrorStream(), "stderr");
    ServerOutput stdout = new ServerOutput(server.getInputStream(), "stdout");
    boolean pass;
    try {
      int port;
      try {
        port = stderr.port.get(60, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new IllegalStateException("the server did not report listening (" + e + "); its stderr:\n"
            + String.join("\n", stderr.agentLines), e);
      }
      SoakRun run = new SoakRun("127.0.0.1", port, addresses);
      pass = run.run(server, stderr, stdout, duration, interval, keyedRate, anonRate, hostileRate);
    } finally {
      destroy(server);
      try {
        Runtime.getRuntime().removeShutdownHook(reaper);
      } catch (IllegalStateException shuttingDown) {
        // the hook runs anyway
      }
    }
    System.exit(pass ? 0 : 1);
  }

  /** One interval's reading. */
  record Sample(long second, long heapAfterGc, long heapCommitted, long trackedBuckets, long internalErrors,
      int mbeans, long allowed, long rejected, long stderrBytes, long agentBytes, long calls, boolean probeOk) {}

  private boolean run(Process server, ServerOutput stderr, ServerOutput stdout, Duration duration, Duration interval,
      double keyedRate, double anonRate, double hostileRate) throws Exception {
    JMXConnector jmx = connect(server.pid());
    MBeanServerConnection mbeans = jmx.getMBeanServerConnection();
    List<Sample> samples = new ArrayList<>();
    long startNanos = System.nanoTime();
    Sample baseline = sample(mbeans, stderr, 0, true);
    System.out.printf(Locale.ROOT, "start: heap after GC %.1f MiB, %d MBeans, stderr %d bytes (agent %d)%n",
        mib(baseline.heapAfterGc()), baseline.mbeans(), baseline.stderrBytes(), baseline.agentBytes());
    for (String line : stderr.agentLines) {
      System.out.println("  server: " + line);
    }

    List<Thread> threads = new ArrayList<>();
    threads.add(thread("soak-keyed", () -> keyed(keyedRate)));
    threads.add(thread("soak-anon-1", () -> anonymous(anonRate / 2, 1)));
    threads.add(thread("soak-anon-2", () -> anonymous(anonRate / 2, 2)));
    threads.add(thread("soak-hostile", () -> hostile(hostileRate)));
    threads.forEach(Thread::start);

    System.out.println();
    System.out.println("| min | heap after GC MiB | committed MiB | tracked buckets | internal errors | MBeans "
        + "| allowed | rejected | calls | stderr bytes (+this min) | agent's bytes (+this min) | probe |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|");
    long deadline = startNanos + duration.toNanos();
    long previousStderr = baseline.stderrBytes();
    long previousAgent = baseline.agentBytes();
    try {
      for (int n = 1; ; n++) {
        long due = startNanos + Math.min(n * interval.toNanos(), duration.toNanos());
        sleepUntil(due);
        Sample s;
        try {
          s = sample(mbeans, stderr, (System.nanoTime() - startNanos) / 1_000_000_000L, probe());
        } catch (IOException e) {
          problems.add("JMX reading failed at minute " + n + ": " + e);
          jmx.close();
          jmx = connect(server.pid());
          mbeans = jmx.getMBeanServerConnection();
          s = sample(mbeans, stderr, (System.nanoTime() - startNanos) / 1_000_000_000L, probe());
        }
        samples.add(s);
        System.out.printf(Locale.ROOT, "| %.1f | %.1f | %.1f | %d | %d | %d | %d | %d | %d | %d (+%d) | %d (+%d) | %s |%n",
            s.second() / 60.0, mib(s.heapAfterGc()), mib(s.heapCommitted()), s.trackedBuckets(), s.internalErrors(),
            s.mbeans(), s.allowed(), s.rejected(), s.calls(), s.stderrBytes(), s.stderrBytes() - previousStderr,
            s.agentBytes(), s.agentBytes() - previousAgent, s.probeOk() ? "ok" : "FAILED");
        previousStderr = s.stderrBytes();
        previousAgent = s.agentBytes();
        if (!s.probeOk()) {
          problems.add("the probe (tools/list) at " + s.second() + " s got no answer");
        }
        if (s.internalErrors() != 0) {
          problems.add("InternalErrors = " + s.internalErrors() + " at " + s.second() + " s");
        }
        if (!server.isAlive()) {
          problems.add("the server exited with status " + server.exitValue() + " at " + s.second() + " s");
          break;
        }
        if (due >= deadline) {
          break;
        }
      }
    } finally {
      stop.set(true);
      for (Thread thread : threads) {
        thread.join(TimeUnit.SECONDS.toMillis(60));
      }
    }
    boolean alive = server.isAlive();
    if (!alive) {
      problems.add("the server is not running at the end");
    }
    Map<String, Long> usage = new TreeMap<>();
    try {
      for (ObjectName name : mbeans.queryNames(new ObjectName("dev.mcpratelimit:type=Usage,*"), null)) {
        usage.put(name.getKeyProperty("tier") + "/" + name.getKeyProperty("tool"),
            ((Number) mbeans.getAttribute(name, "Allowed")).longValue()
                + ((Number) mbeans.getAttribute(name, "Rejected")).longValue());
      }
    } catch (IOException e) {
      problems.add("JMX at the end: " + e);
    }
    jmx.close();
    summary(samples, baseline, stderr, stdout, usage, alive, duration);
    return problems.isEmpty();
  }

  private void summary(List<Sample> samples, Sample baseline, ServerOutput stderr, ServerOutput stdout,
      Map<String, Long> usage, boolean alive, Duration duration) {
    System.out.println();
    System.out.println("== calls by kind and outcome");
    new TreeMap<>(outcomes).forEach((kind, byOutcome) -> {
      long total = byOutcome.values().stream().mapToLong(LongAdder::sum).sum();
      StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-22s %8d:", kind, total));
      new TreeMap<>(byOutcome).forEach((outcome, count) -> line.append(' ').append(outcome).append(" ").append(count.sum())
          .append(';'));
      System.out.println(line);
    });
    System.out.printf(Locale.ROOT, "requests sent: %d; failed (no HTTP answer): %d; session restarts: %d%n",
        calls.sum(), failed.sum(), sessionRestarts.sum());
    firstFailures.forEach(f -> System.out.println("  failure: " + f));
    System.out.printf(Locale.ROOT, "callers within their limits: %d refused, %d failed; slowest call %.1f ms%n",
        withinRefused.sum(), withinFailed.sum(), withinMaxMicros.get() / 1000.0);
    System.out.println("agent's Usage MBeans (tier/tool: allowed + rejected): " + usage);

    if (!samples.isEmpty()) {
      long min = samples.stream().mapToLong(Sample::heapAfterGc).min().orElse(0);
      long max = samples.stream().mapToLong(Sample::heapAfterGc).max().orElse(0);
      Sample last = samples.get(samples.size() - 1);
      double minutes = Math.max(1e-9, last.second() / 60.0);
      long logBytes = last.stderrBytes() - baseline.stderrBytes();
      long agentBytes = last.agentBytes() - baseline.agentBytes();
      System.out.println();
      System.out.printf(Locale.ROOT, "heap after GC: start %.1f MiB; min %.1f, max %.1f, last %.1f MiB (over %d readings)%n",
          mib(baseline.heapAfterGc()), mib(min), mib(max), mib(last.heapAfterGc()), samples.size());
      System.out.printf(Locale.ROOT, "tracked buckets: min %d, max %d, last %d; MBeans: start %d, max %d, last %d%n",
          samples.stream().mapToLong(Sample::trackedBuckets).min().orElse(0),
          samples.stream().mapToLong(Sample::trackedBuckets).max().orElse(0), last.trackedBuckets(), baseline.mbeans(),
          samples.stream().mapToInt(Sample::mbeans).max().orElse(0), last.mbeans());
      System.out.printf(Locale.ROOT, "server stderr during the run: %d bytes (%.0f bytes/min), %d of them the agent's"
              + " (%.0f bytes/min), %d lines; stdout %d bytes%n", logBytes, logBytes / minutes, agentBytes,
          agentBytes / minutes, stderr.lines.sum(), stdout.bytes.sum());
      System.out.printf(Locale.ROOT, "agent lines: %d rejection lines, %d 'more rejections' summaries, %d WARNING,"
              + " %d SEVERE, %d other INFO%n", stderr.rejectionLines.sum(), stderr.summaryLines.sum(), stderr.warnings.sum(),
          stderr.severe.sum(), stderr.otherAgentLines.sum());
      System.out.printf(Locale.ROOT, "agent: %d allowed, %d rejected in all; InternalErrors %d%n", last.allowed(),
          last.rejected(), last.internalErrors());
      StringBuilder perMinute = new StringBuilder("stderr bytes per interval:");
      StringBuilder agentPerMinute = new StringBuilder("agent's bytes per interval:");
      long previous = baseline.stderrBytes();
      long previousAgent = baseline.agentBytes();
      for (Sample s : samples) {
        perMinute.append(' ').append(s.stderrBytes() - previous);
        agentPerMinute.append(' ').append(s.agentBytes() - previousAgent);
        previous = s.stderrBytes();
        previousAgent = s.agentBytes();
      }
      System.out.println(perMinute);
      System.out.println(agentPerMinute);
      System.out.println("heap after GC per interval (MiB): " + String.join(" ", samples.stream()
          .map(s -> String.format(Locale.ROOT, "%.1f", mib(s.heapAfterGc()))).toList()));
      System.out.println("tracked buckets per interval: " + String.join(" ", samples.stream()
          .map(s -> String.valueOf(s.trackedBuckets())).toList()));
      if (last.second() + 5 < duration.toSeconds()) {
        problems.add("the run ended after " + last.second() + " s of " + duration.toSeconds());
      }
    } else {
      problems.add("no reading was taken");
    }
    System.out.println("agent's log lines other than rejections (first " + stderr.agentLines.size() + "):");
    stderr.agentLines.forEach(line -> System.out.println("  " + line));
    System.out.println("host's (Jetty, SDK) stderr lines: " + stderr.hostLines.sum() + "; the first "
        + stderr.hostSamples.size() + ":");
    stderr.hostSamples.forEach(line -> System.out.println("  " + line));

    if (withinRefused.sum() > 0) {
      problems.add(withinRefused.sum() + " calls of callers within their limits were refused");
    }
    if (withinFailed.sum() > 0) {
      problems.add(withinFailed.sum() + " calls of callers within their limits got no answer or an error");
    }
    System.out.println();
    if (problems.isEmpty()) {
      System.out.println("PASS: every call of the callers within their limits was admitted, the server answered"
          + " throughout (every probe, every valid call), InternalErrors stayed 0");
    } else {
      System.out.println("FAIL: " + String.join("; ", new ArrayList<>(problems).subList(0, Math.min(20, problems.size()))));
    }
  }

  // ---- traffic -------------------------------------------------------------------------------

  /** Keyed callers: alice, dave and bob within their limits, carol over hers. */
  private void keyed(double rate) {
    Session session = new Session("keyed");
    Pacer pacer = new Pacer(rate);
    long bobNext = System.nanoTime();
    long statusNext = System.nanoTime();
    long bobCalls = 0;
    Random random = new Random(1);
    for (long i = 0; !stop.get(); i++) {
      pacer.await();
      long now = System.nanoTime();
      if (now >= statusNext) {
        statusNext = now + TimeUnit.SECONDS.toNanos(30);
        within(session, "alice", "rate_limit_status", "{}");
      } else if (now >= bobNext) {
        bobNext = now + TimeUnit.MILLISECONDS.toNanos(2000);
        bobCalls++;
        if (bobCalls % 10 == 0) {
          within(session, "bob", "search_tracks", "{\"query\":\"blue\",\"limit\":3}");
        } else {
          within(session, "bob", bobCalls % 2 == 0 ? "get_album" : "get_track",
              bobCalls % 2 == 0 ? "{\"id\":\"alb-1\"}" : "{\"id\":\"trk-1-1\"}");
        }
      } else {
        int slot = (int) (i % 20);
        if (slot < 8) {
          within(session, "alice", slot % 3 == 0 ? "search_tracks" : "get_track",
              slot % 3 == 0 ? "{\"query\":\"night\",\"limit\":5}" : "{\"id\":\"trk-" + (1 + random.nextInt(4)) + "-1\"}");
        } else if (slot < 14) {
          within(session, "dave", slot % 2 == 0 ? "get_album" : "create_playlist", slot % 2 == 0 ? "{\"id\":\"alb-2\"}"
              : "{\"name\":\"soak\",\"track_ids\":[\"trk-1-1\",\"trk-2-2\"]}");
        } else {
          String tool = slot == 14 ? "search_tracks" : slot == 15 ? "recommend_tracks" : "get_track";
          String arguments = tool.equals("search_tracks") ? "{\"query\":\"red\"}"
              : tool.equals("recommend_tracks") ? "{\"seed_track_id\":\"trk-1-1\",\"count\":2}" : "{\"id\":\"trk-1-2\"}";
          Reply reply = session.call(List.of("X-API-Key", KEYS.get("carol")), toolCall(tool, arguments));
          count("keyed over (carol)", reply);
        }
      }
    }
  }

  private void within(Session session, String caller, String tool, String arguments) {
    long start = System.nanoTime();
    Reply reply = session.call(List.of("X-API-Key", KEYS.get(caller)), toolCall(tool, arguments));
    long micros = (System.nanoTime() - start) / 1000;
    withinMaxMicros.accumulateAndGet(micros, Math::max);
    String outcome = count("keyed within (" + caller + ")", reply);
    if (reply.status() == 429 || outcome.contains("-32000") || outcome.contains("-32003")) {
      withinRefused.increment();
      note(caller + " " + tool + " refused: " + reply.summary());
    } else if (!outcome.equals("200 result")) {
      withinFailed.increment();
      note(caller + " " + tool + ": " + reply.summary());
    }
  }

  /** Anonymous bursts, each call from the next distinct forwarded address. */
  private void anonymous(double rate, int threadNumber) {
    Session session = new Session("anon-" + threadNumber);
    Pacer pacer = new Pacer(rate / ANON_BURST);
    Random random = new Random(threadNumber);
    while (!stop.get()) {
      pacer.await();
      for (int i = 0; i < ANON_BURST && !stop.get(); i++) {
        String address = address(nextAddress.getAndIncrement());
        String forwarded = switch (i % 5) {
          case 1 -> "203.0.113." + random.nextInt(256) + ", " + address; // a spoofed hop on the left
          case 2 -> address + ", 127.0.0.1"; // through a second trusted proxy
          default -> address;
        };
        int repeats = i % 10 == 0 ? 3 : 1;
        String tool = i % 10 == 3 ? "recommend_tracks" : i % 10 == 7 ? "search_tracks" : "get_track";
        String arguments = tool.equals("recommend_tracks") ? "{\"seed_track_id\":\"trk-2-1\"}"
            : tool.equals("search_tracks") ? "{\"query\":\"a\"}" : "{\"id\":\"trk-3-1\"}";
        for (int r = 0; r < repeats && !stop.get(); r++) {
          Reply reply = session.call(List.of("X-Forwarded-For", forwarded), toolCall(tool, arguments));
          count(repeats > 1 ? "anonymous repeat" : "anonymous", reply);
        }
      }
    }
  }

  /** Invented names, junk headers, malformed JSON-RPC, anonymous status calls, tools/list, ping. */
  private void hostile(double rate) {
    Session session = new Session("hostile");
    Pacer pacer = new Pacer(rate);
    Random random = new Random(3);
    for (long i = 0; !stop.get(); i++) {
      pacer.await();
      int slot = (int) (i % 10);
      switch (slot) {
        case 0, 1, 2, 3 -> {
          long n = inventedNames.incrementAndGet();
          String name = inventedName(n, random);
          List<String> headers = n % 2 == 0 ? List.of("X-API-Key", KEYS.get("eve"))
              : List.of("X-Forwarded-For", address(nextAddress.getAndIncrement()));
          String kind = name.length() > 128 ? "invented name long" : "invented name";
          count(kind, session.call(headers, toolCall(name, "{\"q\":\"" + json(name.substring(0, Math.min(40,
              name.length()))) + "\"}")));
        }
        case 4, 5 -> junkHeaders(session, i / 10 * 2 + (slot - 4));
        case 6, 7 -> malformed(session, i / 10 * 2 + (slot - 6));
        case 8 -> count("status anonymous", session.call(
            List.of("X-Forwarded-For", "198.51.100." + (i / 10 % 5)), toolCall("rate_limit_status", "{}")));
        default -> {
          if (i / 10 % 2 == 0) {
            count("tools/list", session.call(List.of("X-Forwarded-For", "198.51.100.77"), request("tools/list", "{}")));
          } else {
            count("ping", session.call(List.of(), request("ping", null)));
          }
        }
      }
    }
  }

  private static String inventedName(long n, Random random) {
    String base = "invented_" + n + "_" + Long.toString(random.nextLong() & Long.MAX_VALUE, 36);
    if (n % 200 == 0) {
      return base + "x".repeat(1 << 20);
    }
    if (n % 20 == 0) {
      return base + "y".repeat(10_240 + random.nextInt(90_000));
    }
    return switch ((int) (n % 7)) {
      case 1 -> base + "-\u00e9\u00df\u4e2d\u6587\ud83d\ude00";
      case 2 -> base + "\u0000\u0001\u001b[31m\n\r\t\u007f";
      case 3 -> base + "/../../etc/passwd";
      case 4 -> base + "z".repeat(100 + random.nextInt(400));
      default -> base;
    };
  }

  /** A valid tools/call over a raw socket, with junk headers the JDK's HttpClient would refuse to send. */
  private void junkHeaders(Session session, long n) {
    String sessionId = session.id();
    String body = toolCall("get_track", "{\"id\":\"trk-1-1\"}");
    int variant = (int) (n % 18);
    ByteArrayOutputStream junk = new ByteArrayOutputStream();
    String name;
    switch (variant) {
      case 0 -> { name = "unknown key"; header(junk, "X-API-Key", HexFormat.of().formatHex(sha256Bytes("k" + n))); }
      case 1 -> { name = "key 6 KB"; header(junk, "X-API-Key", "k".repeat(6_000)); }
      case 2 -> { name = "key 20 KB"; header(junk, "X-API-Key", "k".repeat(20_000)); }
      case 3 -> { name = "key 200 KB"; header(junk, "X-API-Key", "k".repeat(200_000)); }
      case 4 -> { name = "key control chars"; header(junk, "X-API-Key", "abc\u0001\u0007\u001b[31mred\u007f\u0008"); }
      case 5 -> { name = "key UTF-8"; headerBytes(junk, "X-API-Key", "\u043a\u043b\u044e\u0447-\ud83d\udd11".getBytes(StandardCharsets.UTF_8)); }
      case 6 -> { name = "key Latin-1"; headerBytes(junk, "X-API-Key", new byte[] {'a', (byte) 0xe9, (byte) 0xff, (byte) 0x80}); }
      case 7 -> { name = "key NUL"; headerBytes(junk, "X-API-Key", new byte[] {'a', 0, 'b'}); }
      case 8 -> {
        name = "XFF 500 hops";
        StringBuilder hops = new StringBuilder();
        for (int h = 0; h < 500; h++) {
          hops.append(h % 3 == 0 ? "127.0.0.1" : "192.0.2." + (h % 250)).append(", ");
        }
        header(junk, "X-Forwarded-For", hops.append(address(nextAddress.getAndIncrement())).toString());
      }
      case 9 -> { name = "XFF garbage"; header(junk, "X-Forwarded-For", "unknown, not-an-ip, 999.999.1.1, [::1]:80, ::ffff:10.1.2.3, , ,"); }
      case 10 -> {
        name = "XFF 40 lines";
        for (int h = 0; h < 40; h++) {
          header(junk, "X-Forwarded-For", "192.0.2." + h);
        }
      }
      case 11 -> { name = "XFF control/non-ASCII"; headerBytes(junk, "X-Forwarded-For", "10.0.0.1\u0001, \u00e9\u00e9".getBytes(StandardCharsets.UTF_8)); }
      case 12 -> { name = "XFF empty"; header(junk, "X-Forwarded-For", ""); }
      case 13 -> { name = "two keys"; header(junk, "X-API-Key", "nonsense"); header(junk, "X-API-Key", KEYS.get("eve")); }
      case 14 -> { name = "bearer junk"; header(junk, "Authorization", "Bearer " + "b".repeat(3000)); }
      case 15 -> { name = "key padded"; header(junk, "X-API-Key", "  \t" + KEYS.get("eve") + " \t"); }
      case 16 -> {
        name = "100 junk headers";
        for (int h = 0; h < 100; h++) {
          header(junk, "X-Junk-" + h, "j".repeat(100));
        }
      }
      default -> { name = "folded line"; junk.writeBytes("X-API-Key: abc\r\n  folded\r\n".getBytes(StandardCharsets.ISO_8859_1)); }
    }
    count("junk header: " + name, raw(sessionId, junk.toByteArray(), body.getBytes(StandardCharsets.UTF_8)));
  }

  private void malformed(Session session, long n) {
    long id = ids.incrementAndGet();
    String name;
    String body;
    String contentType = "application/json";
    boolean noSession = false;
    switch ((int) (n % 17)) {
      case 0 -> { name = "truncated"; body = "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/ca"; }
      case 1 -> { name = "not JSON"; body = "hello, server"; }
      case 2 -> { name = "empty array"; body = "[]"; }
      case 3 -> { name = "batch"; body = "[" + toolCall("get_track", "{\"id\":\"trk-1-1\"}") + "," + toolCall("get_track", "{}") + "]"; }
      case 4 -> { name = "no params"; body = "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\"}"; }
      case 5 -> { name = "name a number"; body = "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":42}}"; }
      case 6 -> { name = "name null"; body = "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":null,\"arguments\":[]}}"; }
      case 7 -> { name = "params a string"; body = "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":\"get_track\"}"; }
      case 8 -> { name = "jsonrpc 1.0"; body = "{\"jsonrpc\":\"1.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"get_track\"}}"; }
      case 9 -> { name = "object id"; body = "{\"jsonrpc\":\"2.0\",\"id\":{\"a\":1},\"method\":\"tools/call\",\"params\":{\"name\":\"get_track\",\"arguments\":{\"id\":\"trk-1-1\"}}}"; }
      case 10 -> { name = "call as notification"; body = "{\"jsonrpc\":\"2.0\",\"method\":\"tools/call\",\"params\":{\"name\":\"get_track\",\"arguments\":{\"id\":\"trk-1-1\"}}}"; }
      case 11 -> { name = "unknown method"; body = "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"no/such/method\"}"; }
      case 12 -> { name = "nested 5000"; body = "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"get_track\",\"arguments\":{\"id\":" + "[".repeat(5000) + "]".repeat(5000) + "}}}"; }
      case 13 -> { name = "binary"; body = new String(new byte[] {0, 1, 2, (byte) 0xff, (byte) 0xfe, 0x7b}, StandardCharsets.ISO_8859_1); }
      case 14 -> { name = "_meta tier claim"; body = "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"get_track\",\"arguments\":{\"id\":\"trk-1-1\"},\"_meta\":{\"tier\":\"enterprise\",\"caller\":\"alice\",\"progressToken\":[1,2]}}}"; }
      case 15 -> { name = "text/plain"; contentType = "text/plain"; body = toolCall("get_track", "{\"id\":\"trk-1-1\"}"); }
      default -> { name = "no session"; noSession = true; body = toolCall("get_track", "{\"id\":\"trk-1-1\"}"); }
    }
    count("malformed: " + name, session.post(List.of("X-Forwarded-For", "198.51.100.200"), body, contentType, noSession));
  }

  // ---- HTTP ----------------------------------------------------------------------------------

  record Reply(int status, String body, String error) {
    String summary() {
      return error != null ? error : "HTTP " + status + " " + (body.length() > 300 ? body.substring(0, 300) + "..." : body);
    }
  }

  /** A Streamable HTTP session, started again if the server forgets it. */
  private final class Session {
    private final String name;
    private String id;

    Session(String name) {
      this.name = name;
    }

    String id() {
      if (id == null) {
        initialize();
      }
      return id;
    }

    private void initialize() {
      Posted reply = send(List.of(), request("initialize", "{\"protocolVersion\":\"" + PROTOCOL_VERSION
          + "\",\"capabilities\":{},\"clientInfo\":{\"name\":\"soak-" + name + "\",\"version\":\"1\"}}"),
          "application/json", true, true);
      if (reply.status() != 200 || reply.sessionId == null) {
        throw new IllegalStateException("initialize failed: " + reply.reply().summary());
      }
      id = reply.sessionId;
      send(List.of(), "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}", "application/json", false, false);
    }

    Reply call(List<String> headers, String body) {
      return post(headers, body, "application/json", false);
    }

    Reply post(List<String> headers, String body, String contentType, boolean noSession) {
      for (int attempt = 0; ; attempt++) {
        if (!noSession) {
          try {
            id();
          } catch (RuntimeException e) {
            return new Reply(0, "", "initialize: " + e.getMessage());
          }
        }
        Reply reply = send(headers, body, contentType, noSession, false).reply();
        if (reply.status() == 404 && !noSession && attempt == 0) {
          sessionRestarts.increment();
          id = null; // the server forgot the session: start a new one and send again
          continue;
        }
        return reply;
      }
    }

    private Posted send(List<String> headers, String body, String contentType, boolean noSession, boolean keepSession) {
      HttpRequest.Builder request = HttpRequest.newBuilder(uri)
          .timeout(REQUEST_TIMEOUT)
          .header("Content-Type", contentType)
          .header("Accept", "application/json, text/event-stream");
      if (!noSession && id != null) {
        request.header("Mcp-Session-Id", id).header("MCP-Protocol-Version", PROTOCOL_VERSION);
      }
      for (int i = 0; i < headers.size(); i += 2) {
        request.header(headers.get(i), headers.get(i + 1));
      }
      request.POST(HttpRequest.BodyPublishers.ofString(body));
      calls.increment();
      try {
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Posted(new Reply(response.statusCode(), response.body(), null),
            keepSession ? response.headers().firstValue("Mcp-Session-Id").orElse(null) : null);
      } catch (IOException e) {
        failed.increment();
        return new Posted(new Reply(0, "", e.getClass().getSimpleName() + ": " + e.getMessage()), null);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new Posted(new Reply(0, "", "interrupted"), null);
      }
    }
  }

  record Posted(Reply reply, String sessionId) {
    int status() {
      return reply.status();
    }
  }

  /** One HTTP/1.1 request over a fresh socket (Connection: close), the response read to its end. */
  private Reply raw(String sessionId, byte[] extraHeaders, byte[] body) {
    calls.increment();
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), 10_000);
      socket.setSoTimeout((int) REQUEST_TIMEOUT.toMillis());
      ByteArrayOutputStream request = new ByteArrayOutputStream();
      request.writeBytes(("POST /mcp HTTP/1.1\r\nHost: " + host + ":" + port + "\r\n"
          + "Content-Type: application/json\r\nAccept: application/json, text/event-stream\r\n"
          + "Mcp-Session-Id: " + sessionId + "\r\nMCP-Protocol-Version: " + PROTOCOL_VERSION + "\r\n"
          + "Content-Length: " + body.length + "\r\nConnection: close\r\n").getBytes(StandardCharsets.ISO_8859_1));
      request.writeBytes(extraHeaders);
      request.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
      request.writeBytes(body);
      OutputStream out = socket.getOutputStream();
      try {
        out.write(request.toByteArray());
        out.flush();
      } catch (IOException e) {
        // the server may answer (431) and close before it has read a huge header; read what it said
      }
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream response = new ByteArrayOutputStream();
      byte[] buffer = new byte[8192];
      for (int read = in.read(buffer); read >= 0 && response.size() < (1 << 20); read = in.read(buffer)) {
        response.write(buffer, 0, read);
      }
      String text = response.toString(StandardCharsets.ISO_8859_1);
      Matcher status = Pattern.compile("^HTTP/1\\.[01] (\\d{3})").matcher(text);
      if (!status.find()) {
        failed.increment();
        return new Reply(0, text, "no HTTP status line (" + response.size() + " bytes)");
      }
      int headerEnd = text.indexOf("\r\n\r\n");
      return new Reply(Integer.parseInt(status.group(1)), headerEnd < 0 ? "" : text.substring(headerEnd + 4), null);
    } catch (IOException e) {
      failed.increment();
      return new Reply(0, "", e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  private static void header(ByteArrayOutputStream out, String name, String value) {
    headerBytes(out, name, value.getBytes(StandardCharsets.ISO_8859_1));
  }

  private static void headerBytes(ByteArrayOutputStream out, String name, byte[] value) {
    out.writeBytes((name + ": ").getBytes(StandardCharsets.ISO_8859_1));
    out.writeBytes(value);
    out.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
  }

  /** Counts a reply under its kind; returns its outcome ("200 result", "429", "200 error -32602", ...). */
  private String count(String kind, Reply reply) {
    String outcome;
    if (reply.error() != null) {
      outcome = "no answer (" + reply.error().replaceAll(":.*", "") + ")";
      if (firstFailures.size() < 20) {
        firstFailures.add(kind + ": " + reply.error());
      }
    } else {
      Matcher code = ERROR_CODE.matcher(reply.body());
      if (code.find()) {
        outcome = reply.status() + " error " + code.group(1);
      } else if (reply.body().contains("\"result\"")) {
        outcome = reply.status() + (reply.body().contains("\"isError\":true") ? " tool error" : " result");
      } else {
        outcome = String.valueOf(reply.status());
      }
    }
    outcomes.computeIfAbsent(kind, k -> new ConcurrentHashMap<>()).computeIfAbsent(outcome, k -> new LongAdder())
        .increment();
    return outcome;
  }

  private void note(String problem) {
    if (firstFailures.size() < 20) {
      firstFailures.add(problem);
    }
  }

  /** The server answers: a tools/list on a fresh session. */
  private boolean probe() {
    Session session = new Session("probe");
    try {
      Reply reply = session.call(List.of("X-API-Key", KEYS.get("alice")), request("tools/list", "{}"));
      if (reply.status() == 200 && reply.body().contains("get_track")) {
        return true;
      }
      note("probe: " + reply.summary());
      return false;
    } catch (RuntimeException e) {
      note("probe: " + e);
      return false;
    }
  }

  private String toolCall(String tool, String arguments) {
    return request("tools/call", "{\"name\":\"" + json(tool) + "\",\"arguments\":" + arguments + "}");
  }

  private String request(String method, String params) {
    return "{\"jsonrpc\":\"2.0\",\"id\":" + ids.incrementAndGet() + ",\"method\":\"" + method + "\""
        + (params == null ? "" : ",\"params\":" + params) + "}";
  }

  private static String json(String text) {
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20 || c == 0x7f) {
        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  /** The n-th of the distinct anonymous addresses, in 10.0.0.0/8. */
  private String address(long n) {
    long a = n % addresses;
    return "10." + (a >> 16 & 255) + "." + (a >> 8 & 255) + "." + (a & 255);
  }

  /** Paces a loop at {@code rate} iterations per second; never bursts to catch up more than 1 s. */
  private final class Pacer {
    private final long periodNanos;
    private long next = System.nanoTime();

    Pacer(double rate) {
      periodNanos = (long) (1e9 / rate);
    }

    void await() {
      next += periodNanos;
      long now = System.nanoTime();
      if (now - next > 1_000_000_000L) {
        next = now;
      }
      sleepUntil(Math.min(next, now + 2_000_000_000L));
    }
  }

  private static void sleepUntil(long deadline) {
    for (long left = deadline - System.nanoTime(); left > 0; left = deadline - System.nanoTime()) {
      try {
        TimeUnit.NANOSECONDS.sleep(Math.min(left, 500_000_000L));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private Thread thread(String name, Runnable body) {
    Thread thread = new Thread(() -> {
      try {
        body.run();
      } catch (RuntimeException e) {
        problems.add("client thread " + name + " died: " + e);
        e.printStackTrace();
      }
    }, name);
    thread.setDaemon(true);
    return thread;
  }

  // ---- JMX -----------------------------------------------------------------------------------

  private static JMXConnector connect(long pid) throws Exception {
    VirtualMachine vm = VirtualMachine.attach(String.valueOf(pid));
    try {
      return JMXConnectorFactory.connect(new JMXServiceURL(vm.startLocalManagementAgent()));
    } finally {
      vm.detach();
    }
  }

  private Sample sample(MBeanServerConnection mbeans, ServerOutput stderr, long second, boolean probeOk)
      throws Exception {
    ObjectName memory = new ObjectName("java.lang:type=Memory");
    mbeans.invoke(memory, "gc", new Object[0], new String[0]);
    mbeans.invoke(memory, "gc", new Object[0], new String[0]);
    CompositeData heap = (CompositeData) mbeans.getAttribute(memory, "HeapMemoryUsage");
    ObjectName limiter = new ObjectName("dev.mcpratelimit:type=Limiter");
    return new Sample(second, (Long) heap.get("used"), (Long) heap.get("committed"),
        ((Number) mbeans.getAttribute(limiter, "TrackedBuckets")).longValue(),
        ((Number) mbeans.getAttribute(limiter, "InternalErrors")).longValue(),
        mbeans.queryNames(new ObjectName("dev.mcpratelimit:*"), null).size(),
        ((Number) mbeans.getAttribute(limiter, "AllowedTotal")).longValue(),
        ((Number) mbeans.getAttribute(limiter, "RejectedTotal")).longValue(),
        stderr.bytes.sum(), stderr.agentBytes.sum(), calls.sum(), probeOk);
  }

  /** A stream of the server's output, drained: its bytes, its agent lines by kind, its port. */
  private static final class ServerOutput {
    final CompletableFuture<Integer> port = new CompletableFuture<>();
    final LongAdder bytes = new LongAdder();
    final LongAdder agentBytes = new LongAdder();
    final LongAdder lines = new LongAdder();
    final LongAdder rejectionLines = new LongAdder();
    final LongAdder summaryLines = new LongAdder();
    final LongAdder warnings = new LongAdder();
    final LongAdder severe = new LongAdder();
    final LongAdder otherAgentLines = new LongAdder();
    /** The first lines that are not rejection lines (each cut to 400 characters). */
    final ConcurrentLinkedQueue<String> agentLines = new ConcurrentLinkedQueue<>();
    /** Lines of the host (Jetty, the SDK), not the agent's: a count and the first few. */
    final LongAdder hostLines = new LongAdder();
    final ConcurrentLinkedQueue<String> hostSamples = new ConcurrentLinkedQueue<>();

    ServerOutput(InputStream stream, String name) {
      Thread thread = new Thread(() -> {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        long lineBytes = 0;
        byte[] buffer = new byte[8192];
        try {
          for (int read = stream.read(buffer); read >= 0; read = stream.read(buffer)) {
            bytes.add(read);
            for (int i = 0; i < read; i++) {
              lineBytes++;
              if (buffer[i] == '\n') {
                line(line.toString(StandardCharsets.UTF_8), lineBytes);
                line.reset();
                lineBytes = 0;
              } else if (line.size() < 4096) {
                line.write(buffer[i]);
              }
            }
          }
        } catch (IOException e) {
          // the process is gone
        } finally {
          port.completeExceptionally(new IllegalStateException("the server's " + name + " ended"));
        }
      }, "soak-server-" + name);
      thread.setDaemon(true);
      thread.start();
    }

    private void line(String line, long lineBytes) {
      lines.increment();
      Matcher matcher = LISTENING.matcher(line.strip());
      if (matcher.matches()) {
        port.complete(Integer.parseInt(matcher.group(1)));
      }
      boolean agent = line.startsWith("[mcp-ratelimit]");
      if (agent) {
        agentBytes.add(lineBytes);
      }
      if (agent && line.contains(" rejected: ")) {
        rejectionLines.increment();
        return;
      }
      if (agent && line.contains(" more rejections ")) {
        summaryLines.increment();
        return;
      }
      String shown = line.length() > 300 ? line.substring(0, 300) + "..." : line;
      if (!agent) {
        hostLines.increment();
        if (hostSamples.size() < 12) {
          hostSamples.add(shown);
        }
        return;
      }
      if (line.startsWith("[mcp-ratelimit] WARNING")) {
        warnings.increment();
      } else if (line.startsWith("[mcp-ratelimit] SEVERE")) {
        severe.increment();
      } else {
        otherAgentLines.increment();
      }
      if (agentLines.size() < 40) {
        agentLines.add(shown);
      }
    }
  }

  // ---- small things --------------------------------------------------------------------------

  private static Duration duration(String text) {
    Matcher matcher = Pattern.compile("(\\d+)(s|m|h)?").matcher(text);
    if (!matcher.matches()) {
      throw new IllegalArgumentException("not a duration: " + text + " (e.g. 90s, 30m, 1h)");
    }
    long amount = Long.parseLong(matcher.group(1));
    return switch (matcher.group(2) == null ? "m" : matcher.group(2)) {
      case "s" -> Duration.ofSeconds(amount);
      case "h" -> Duration.ofHours(amount);
      default -> Duration.ofMinutes(amount);
    };
  }

  private static double mib(long bytes) {
    return bytes / (1024.0 * 1024.0);
  }

  private static byte[] sha256Bytes(String key) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
