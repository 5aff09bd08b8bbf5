package dev.mcpratelimit.benchmarks;

import static dev.mcpratelimit.benchmarks.LoadRuns.destroy;
import static dev.mcpratelimit.benchmarks.LoadRuns.javaBinary;
import static dev.mcpratelimit.benchmarks.LoadRuns.loadAverage;
import static dev.mcpratelimit.benchmarks.LoadRuns.median;
import static dev.mcpratelimit.benchmarks.LoadRuns.quantile;
import static dev.mcpratelimit.benchmarks.LoadRuns.required;

import dev.mcpratelimit.identity.ApiKeys;
import com.sun.tools.attach.VirtualMachine;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * A load run, not a test: the agent's overhead on the sample MCP server, measured side by side in
 * one run, as ratios with the agent / without it.
 *
 * <ol>
 *   <li><b>Per call.</b> Pairs of fresh server JVMs (Streamable HTTP), one without and one with
 *       {@code -javaagent}, the order alternating from pair to pair. Each server gets
 *       {@code --warmup} sequential {@code tools/call}s of {@code get_track}, then {@code --calls}
 *       measured ones. Measured, from outside the server: its CPU time ({@code utime + stime} of
 *       {@code /proc/<pid>/stat}, read before and after the measured phase; also split into JIT
 *       compiler, GC and other threads from {@code /proc/<pid>/task/*}), the heap it allocated
 *       ({@code TotalThreadAllocatedBytes} of its {@code java.lang:type=Threading} MXBean, read
 *       over a local JMX connection that the run opens through the Attach API before the warm-up),
 *       and each call's latency at the client. The caller has an API key on a tier it can never
 *       exhaust, so every call runs the tool; the run checks that each response with the agent
 *       carries the rate-limit headers and that none without it does.
 *   <li><b>Start-up.</b> Pairs of {@code java -jar sample-mcp-server.jar --stdio} with stdin at
 *       end of file, without and with the agent, the order alternating: the wall time from
 *       starting the process until it exits.
 * </ol>
 *
 * <p>The client is a few lines of HTTP/1.1 over one kept-alive socket in this JVM (the MCP
 * initialize handshake, then one request at a time), so that it costs the shared CPUs as little
 * as possible; its cost is never part of the server's CPU figure.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.mcpratelimit.benchmarks.OverheadRun \
 *     [--pairs 10] [--warmup 100000] [--calls 100000] [--startup-pairs 10] \
 *     [--agent agent/target/mcp-ratelimit-agent.jar] [--server sample-mcp-server/target/sample-mcp-server.jar] \
 *     [--startup-config demo/ratelimit.properties] [--only with|without] [--jvm-option OPT]...
 * </pre>
 *
 * <p>{@code --pairs 0} or {@code --startup-pairs 0} skips that part. {@code --only with} runs the
 * agent's servers only (e.g. with {@code --jvm-option -XX:StartFlightRecording=...} to profile
 * them). Paths are relative to the working directory (the repository root by default). Every
 * server JVM is destroyed at the end of its run, also on failure or Ctrl-C.
 */
public final class OverheadRun {

  private static final String API_KEY = "overhead-run-key";
  private static final Pattern LISTENING = Pattern.compile("\\S+ listening on http://127\\.0\\.0\\.1:(\\d+)/mcp");
  private static final long START_TIMEOUT_SECONDS = 60;
  private static final long CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on Linux

  private OverheadRun() {}

  private record Options(Path agent, Path server, int pairs, int warmup, int calls, int startupPairs,
      Path startupConfig, String only, List<String> jvmOptions) {}

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
    Files.writeString(config, String.join("\n",
        "tier.unlimited.rate=1000000/min",
        "tier.unlimited.burst=1000000",
        "caller.overhead.api-key-sha256=" + ApiKeys.sha256Hex(API_KEY),
        "caller.overhead.tier=unlimited") + "\n", StandardCharsets.UTF_8);

    System.out.printf(Locale.ROOT, "OverheadRun: %d CPUs, %s %s, load average %s%n",
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
        System.getProperty("java.runtime.version"), loadAverage());
    System.out.println("server JVM options: " + String.join(" ", options.jvmOptions()));
    if (options.pairs() > 0) {
      perCall(options, config);
    }
    if (options.startupPairs() > 0) {
      startup(options);
    }
    System.out.println();
    System.out.println("load average at the end: " + loadAverage());
  }

  // ---- per call ----

  /** One server JVM's measured phase. */
  record CallRun(boolean agent, long cpuTicks, long jitTicks, long gcTicks, long allocatedBytes, long[] sortedNanos,
      long wallNanos, int calls, String load, Map<String, Long> threadTicks) {

    /** CPU per call by thread name group, in µs, the biggest first. */
    String threadGroups() {
      StringBuilder text = new StringBuilder();
      threadTicks.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(6)
          .forEach(e -> text.append(String.format(Locale.ROOT, "%s%s %.1f", text.length() == 0 ? "" : ", ", e.getKey(),
              e.getValue() * 1e6 / CLOCK_TICKS_PER_SECOND / calls)));
      return text.toString();
    }

    double cpuMicrosPerCall() {
      return cpuTicks * 1e6 / CLOCK_TICKS_PER_SECOND / calls;
    }

    /** CPU of every thread but the JIT compilers and the GC, per call. */
    double appCpuMicrosPerCall() {
      return (cpuTicks - jitTicks - gcTicks) * 1e6 / CLOCK_TICKS_PER_SECOND / calls;
    }

    double jitMicrosPerCall() {
      return jitTicks * 1e6 / CLOCK_TICKS_PER_SECOND / calls;
    }

    double bytesPerCall() {
      return (double) allocatedBytes / calls;
    }

    /** Nearest-rank percentile. */
    double percentileMicros(double p) {
      int rank = (int) Math.ceil(p / 100.0 * sortedNanos.length);
      return sortedNanos[Math.max(0, Math.min(sortedNanos.length - 1, rank - 1))] / 1_000.0;
    }

    double callsPerSecond() {
      return calls / (wallNanos / 1e9);
    }
  }

  private static void perCall(Options options, Path config) throws Exception {
    System.out.printf(Locale.ROOT, "%nper call: %d pairs of fresh server JVMs, each %d warm-up + %d measured sequential "
        + "tools/call get_track over Streamable HTTP%n", options.pairs(), options.warmup(), options.calls());
    List<CallRun[]> pairs = new ArrayList<>();
    for (int pair = 0; pair < options.pairs(); pair++) {
      // Alternate which runs first, so that a drift in the machine's load does not favour one side.
      boolean agentFirst = pair % 2 == 1;
      CallRun[] runs = new CallRun[2]; // [without, with]
      for (int k = 0; k < 2; k++) {
        boolean agent = agentFirst == (k == 0);
        if (options.only() != null && agent != options.only().equals("with")) {
          continue;
        }
        CallRun run = callRun(options, config, agent);
        runs[agent ? 1 : 0] = run;
        System.out.printf(Locale.ROOT, "  pair %d %-7s cpu %.1f µs/call (jit %.1f, gc %.1f, other %.1f), %.0f B/call, "
                + "p50 %.0f µs, p99 %.0f µs, %.0f calls/s, load %s%n",
            pair + 1, agent ? "with" : "without", run.cpuMicrosPerCall(), run.jitMicrosPerCall(),
            run.gcTicks() * 1e6 / CLOCK_TICKS_PER_SECOND / run.calls(), run.appCpuMicrosPerCall(), run.bytesPerCall(),
            run.percentileMicros(50), run.percentileMicros(99), run.callsPerSecond(), run.load());
        System.out.println("         µs/call by thread: " + run.threadGroups());
      }
      pairs.add(runs);
    }
    if (options.only() != null) {
      return;
    }
    System.out.println();
    System.out.println("| pair | order | CPU µs/call without / with | **CPU ratio** | CPU ratio without JIT+GC threads "
        + "| B/call without / with | p50 µs without / with | p50 ratio | p99 ratio |");
    System.out.println("|---|---|---|---|---|---|---|---|---|");
    for (int i = 0; i < pairs.size(); i++) {
      CallRun without = pairs.get(i)[0];
      CallRun with = pairs.get(i)[1];
      System.out.printf(Locale.ROOT, "| %d | %s | %.1f / %.1f | **%.3f** | %.3f | %.0f / %.0f | %.0f / %.0f | %.3f | %.3f |%n",
          i + 1, i % 2 == 1 ? "with first" : "without first", without.cpuMicrosPerCall(), with.cpuMicrosPerCall(),
          with.cpuMicrosPerCall() / without.cpuMicrosPerCall(),
          with.appCpuMicrosPerCall() / without.appCpuMicrosPerCall(), without.bytesPerCall(), with.bytesPerCall(),
          without.percentileMicros(50), with.percentileMicros(50),
          with.percentileMicros(50) / without.percentileMicros(50),
          with.percentileMicros(99) / without.percentileMicros(99));
    }
    System.out.println();
    summary(pairs, "CPU per call", CallRun::cpuMicrosPerCall, "%.3f");
    summary(pairs, "CPU per call, without JIT and GC threads", CallRun::appCpuMicrosPerCall, "%.3f");
    summary(pairs, "p50 latency", run -> run.percentileMicros(50), "%.3f");
    summary(pairs, "p99 latency", run -> run.percentileMicros(99), "%.3f");
    double[] withoutBytes = pairs.stream().mapToDouble(p -> p[0].bytesPerCall()).sorted().toArray();
    double[] withBytes = pairs.stream().mapToDouble(p -> p[1].bytesPerCall()).sorted().toArray();
    System.out.printf(Locale.ROOT, "allocation per call: without median %.0f B (%.0f..%.0f), with median %.0f B "
            + "(%.0f..%.0f): the agent adds %.0f B per call (ratio %.3f)%n",
        median(withoutBytes), withoutBytes[0], withoutBytes[withoutBytes.length - 1], median(withBytes), withBytes[0],
        withBytes[withBytes.length - 1], median(withBytes) - median(withoutBytes), median(withBytes) / median(withoutBytes));
    double[] withoutCpu = pairs.stream().mapToDouble(p -> p[0].cpuMicrosPerCall()).sorted().toArray();
    double[] withCpu = pairs.stream().mapToDouble(p -> p[1].cpuMicrosPerCall()).sorted().toArray();
    System.out.printf(Locale.ROOT, "CPU per call: without median %.1f µs (%.1f..%.1f), with median %.1f µs (%.1f..%.1f)%n",
        median(withoutCpu), withoutCpu[0], withoutCpu[withoutCpu.length - 1], median(withCpu), withCpu[0],
        withCpu[withCpu.length - 1]);
  }

  /** Median, spread and quartiles of the per-pair ratios with / without. */
  private static void summary(List<CallRun[]> pairs, String what, ToDoubleFunction<CallRun> figure, String format) {
    double[] ratios = pairs.stream().mapToDouble(p -> figure.applyAsDouble(p[1]) / figure.applyAsDouble(p[0]))
        .sorted().toArray();
    System.out.printf(Locale.ROOT, "%s, with / without: median " + format + ", quartiles " + format + " .. " + format
            + ", range " + format + " .. " + format + " (%d pairs)%n", what, median(ratios),
        quantile(ratios, 0.25), quantile(ratios, 0.75), ratios[0], ratios[ratios.length - 1], ratios.length);
  }

  private static CallRun callRun(Options options, Path config, boolean agent) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(javaBinary());
    command.addAll(options.jvmOptions());
    if (agent) {
      command.add("-javaagent:" + options.agent().toAbsolutePath() + "=" + config.toAbsolutePath());
    }
    command.addAll(List.of("-jar", options.server().toAbsolutePath().toString(), "--port", "0"));
    Process server = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.PIPE).start();
    Thread reaper = new Thread(() -> destroy(server), "overhead-run-reaper");
    Runtime.getRuntime().addShutdownHook(reaper);
    ServerLog log = new ServerLog(server);
    try {
      int port = log.awaitPort();
      try (Allocation allocation = Allocation.attach(server.pid());
           RawMcpClient client = new RawMcpClient(port, API_KEY)) {
        client.initialize();
        calls(client, options.warmup(), agent, null);
        String load = loadAverage();
        CpuSample cpuBefore = CpuSample.of(server.pid());
        long bytesBefore = allocation.totalAllocatedBytes();
        long start = System.nanoTime();
        long[] nanos = new long[options.calls()];
        calls(client, options.calls(), agent, nanos);
        long wall = System.nanoTime() - start;
        CpuSample cpuAfter = CpuSample.of(server.pid());
        long bytesAfter = allocation.totalAllocatedBytes();
        Arrays.sort(nanos);
        return new CallRun(agent, cpuAfter.total - cpuBefore.total, cpuAfter.jit - cpuBefore.jit,
            cpuAfter.gc - cpuBefore.gc, bytesAfter - bytesBefore, nanos, wall, options.calls(), load,
            CpuSample.groupTicks(cpuBefore, cpuAfter));
      }
    } catch (Exception e) {
      throw new IllegalStateException("a run " + (agent ? "with" : "without") + " the agent failed: " + e
          + "; the server's last lines:\n" + String.join("\n", log.last), e);
    } finally {
      destroy(server);
      try {
        Runtime.getRuntime().removeShutdownHook(reaper);
      } catch (IllegalStateException shuttingDown) {
        // the hook runs anyway
      }
    }
  }

  /** {@code count} sequential calls of get_track, each checked; timed into {@code nanos} when given. */
  private static void calls(RawMcpClient client, int count, boolean agent, long[] nanos) throws IOException {
    for (int i = 0; i < count; i++) {
      long start = System.nanoTime();
      RawMcpClient.Response response = client.callGetTrack();
      long took = System.nanoTime() - start;
      if (nanos != null) {
        nanos[i] = took;
      }
      if (response.status() != 200 || !response.body().contains("\"isError\":false")) {
        throw new IllegalStateException("call failed: HTTP " + response.status() + " " + response.body());
      }
      if (response.rateLimitHeader() != agent) {
        throw new IllegalStateException(agent ? "a response without the agent's X-RateLimit-Limit header: is the agent attached?"
            : "a response with X-RateLimit-Limit although no agent is attached");
      }
    }
  }

  /** Cumulative CPU ticks of a process, in all and for its JIT compiler and GC threads. */
  private record CpuSample(long total, long jit, long gc, Map<String, Long> byThread) {

    static CpuSample of(long pid) throws IOException {
      long total = ticks(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
      long jit = 0;
      long gc = 0;
      Map<String, Long> byThread = new HashMap<>();
      File[] tasks = new File("/proc/" + pid + "/task").listFiles();
      for (File task : tasks == null ? new File[0] : tasks) {
        String stat;
        try {
          stat = Files.readString(task.toPath().resolve("stat"));
        } catch (IOException gone) {
          continue; // the thread ended meanwhile
        }
        String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        long ticks = ticks(stat);
        if (name.contains("CompilerThre")) {
          jit += ticks;
        } else if (name.startsWith("GC Thread") || name.startsWith("G1 ") || name.startsWith("VM Thread")) {
          gc += ticks;
        }
        byThread.put(task.getName(), ticks);
        NAMES.put(task.getName(), threadGroup(name));
      }
      return new CpuSample(total, jit, gc, byThread);
    }

    /** Thread ids to their name groups (the kernel's 15-character names, digits dropped). */
    private static final Map<String, String> NAMES = new java.util.concurrent.ConcurrentHashMap<>();

    private static String threadGroup(String name) {
      return name.replaceAll("[0-9]+", "N");
    }

    /** CPU ticks between two samples by thread name group; threads that ended in between are missing. */
    static Map<String, Long> groupTicks(CpuSample before, CpuSample after) {
      Map<String, Long> groups = new java.util.TreeMap<>();
      for (Map.Entry<String, Long> thread : after.byThread.entrySet()) {
        long delta = thread.getValue() - before.byThread.getOrDefault(thread.getKey(), 0L);
        if (delta > 0) {
          groups.merge(NAMES.getOrDefault(thread.getKey(), "?"), delta, Long::sum);
        }
      }
      return groups;
    }

    /** utime + stime: fields 14 and 15 of a stat line, counted after the command name. */
    private static long ticks(String stat) {
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
      return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }
  }

  /** The server's own count of the heap its threads allocated, over JMX started through the Attach API. */
  private static final class Allocation implements Closeable {
    private static final ObjectName THREADING = objectName("java.lang:type=Threading");
    private final JMXConnector connector;
    private final MBeanServerConnection connection;

    private Allocation(JMXConnector connector) throws IOException {
      this.connector = connector;
      this.connection = connector.getMBeanServerConnection();
    }

    static Allocation attach(long pid) throws Exception {
      VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
      String address;
      try {
        address = vm.startLocalManagementAgent();
      } finally {
        vm.detach();
      }
      return new Allocation(JMXConnectorFactory.connect(new JMXServiceURL(address)));
    }

    long totalAllocatedBytes() throws Exception {
      return (Long) connection.getAttribute(THREADING, "TotalThreadAllocatedBytes");
    }

    @Override
    public void close() throws IOException {
      connector.close();
    }

    private static ObjectName objectName(String name) {
      try {
        return new ObjectName(name);
      } catch (Exception e) {
        throw new ExceptionInInitializerError(e);
      }
    }
  }

  // ---- start-up ----

  private static void startup(Options options) throws Exception {
    Path config = options.startupConfig();
    System.out.printf(Locale.ROOT, "%nstart-up: %d pairs of `java -jar %s --stdio` with stdin at end of file, "
        + "without and with -javaagent:%s=%s, alternating; wall time until the process exits%n",
        options.startupPairs(), options.server(), options.agent(), config);
    double[] without = new double[options.startupPairs()];
    double[] with = new double[options.startupPairs()];
    // one unmeasured start of each, so that both find the jars in the page cache
    startupMillis(options, false);
    startupMillis(options, true);
    for (int pair = 0; pair < options.startupPairs(); pair++) {
      boolean agentFirst = pair % 2 == 1;
      for (int k = 0; k < 2; k++) {
        boolean agent = agentFirst == (k == 0);
        double millis = startupMillis(options, agent);
        (agent ? with : without)[pair] = millis;
      }
      System.out.printf(Locale.ROOT, "  pair %d: without %.0f ms, with %.0f ms: +%.0f ms, %.2f x, load %s%n", pair + 1,
          without[pair], with[pair], with[pair] - without[pair], with[pair] / without[pair], loadAverage());
    }
    double[] deltas = new double[without.length];
    double[] ratios = new double[without.length];
    for (int i = 0; i < without.length; i++) {
      deltas[i] = with[i] - without[i];
      ratios[i] = with[i] / without[i];
    }
    Arrays.sort(without);
    Arrays.sort(with);
    Arrays.sort(deltas);
    Arrays.sort(ratios);
    System.out.printf(Locale.ROOT, "start-up: without median %.0f ms (%.0f..%.0f), with median %.0f ms (%.0f..%.0f); "
            + "difference of medians %.0f ms; per pair: median +%.0f ms (%.0f..%.0f), ratio median %.2f (%.2f..%.2f)%n",
        median(without), without[0], without[without.length - 1], median(with), with[0], with[with.length - 1],
        median(with) - median(without), median(deltas), deltas[0], deltas[deltas.length - 1], median(ratios), ratios[0],
        ratios[ratios.length - 1]);
  }

  private static double startupMillis(Options options, boolean agent) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(javaBinary());
    command.addAll(options.jvmOptions());
    if (agent) {
      command.add("-javaagent:" + options.agent().toAbsolutePath() + "=" + options.startupConfig().toAbsolutePath());
    }
    command.addAll(List.of("-jar", options.server().toAbsolutePath().toString(), "--stdio"));
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.DISCARD);
    long start = System.nanoTime();
    Process process = builder.start();
    if (!process.waitFor(START_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      destroy(process);
      throw new IllegalStateException("the stdio server did not exit within " + START_TIMEOUT_SECONDS + " s: " + command);
    }
    long took = System.nanoTime() - start;
    if (process.exitValue() != 0) {
      throw new IllegalStateException("the stdio server exited with " + process.exitValue() + ": " + command);
    }
    return took / 1e6;
  }

  // ---- the client ----

  /**
   * Just enough HTTP/1.1 for MCP's Streamable HTTP: one kept-alive connection, one request at a
   * time, bodies by Content-Length or chunked. Lean on purpose, so that the client takes little of
   * the CPUs the server also runs on.
   */
  static final class RawMcpClient implements Closeable {

    record Response(int status, String body, boolean rateLimitHeader, String sessionId) {}

    private final Socket socket;
    private final BufferedOutputStream out;
    private final InputStream in;
    private final String fixedHeaders;
    private String sessionHeader = "";
    private long nextId = 1;

    RawMcpClient(int port, String apiKey) throws IOException {
      socket = new Socket();
      socket.setTcpNoDelay(true);
      socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
      socket.setSoTimeout(30_000);
      out = new BufferedOutputStream(socket.getOutputStream(), 8192);
      in = new BufferedInputStream(socket.getInputStream(), 16384);
      fixedHeaders = "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nContent-Type: application/json\r\n"
          + "Accept: application/json, text/event-stream\r\nX-API-Key: " + apiKey + "\r\n";
    }

    void initialize() throws IOException {
      Response init = post("{\"jsonrpc\":\"2.0\",\"id\":" + nextId++ + ",\"method\":\"initialize\",\"params\":"
          + "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"overhead-run\","
          + "\"version\":\"1\"}}}");
      if (init.status() != 200 || init.sessionId() == null) {
        throw new IllegalStateException("initialize failed: HTTP " + init.status() + " " + init.body());
      }
      sessionHeader = "Mcp-Session-Id: " + init.sessionId() + "\r\n";
      Response initialized = post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
      if (initialized.status() != 202 && initialized.status() != 200) {
        throw new IllegalStateException("notifications/initialized failed: HTTP " + initialized.status());
      }
    }

    Response callGetTrack() throws IOException {
      return post("{\"jsonrpc\":\"2.0\",\"id\":" + nextId++ + ",\"method\":\"tools/call\",\"params\":{\"name\":"
          + "\"get_track\",\"arguments\":{\"id\":\"trk-1-1\"}}}");
    }

    private Response post(String json) throws IOException {
      byte[] body = json.getBytes(StandardCharsets.UTF_8);
      out.write((fixedHeaders + sessionHeader + "Content-Length: " + body.length + "\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      out.write(body);
      out.flush();

      String statusLine = line();
      int status = Integer.parseInt(statusLine.substring(9, 12));
      long length = -1;
      boolean chunked = false;
      boolean rateLimit = false;
      String session = null;
      for (String header = line(); !header.isEmpty(); header = line()) {
        int colon = header.indexOf(':');
        String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
        String value = header.substring(colon + 1).trim();
        switch (name) {
          case "content-length" -> length = Long.parseLong(value);
          case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
          case "x-ratelimit-limit" -> rateLimit = true;
          case "mcp-session-id" -> session = value;
          default -> { }
        }
      }
      ByteArrayOutputStream content = new ByteArrayOutputStream(1024);
      if (chunked) {
        for (int size = Integer.parseInt(chunkSize(line()), 16); size > 0;
            size = Integer.parseInt(chunkSize(line()), 16)) {
          content.write(in.readNBytes(size));
          line(); // the CRLF after the chunk
        }
        for (String trailer = line(); !trailer.isEmpty(); trailer = line()) {
          // trailers: none expected
        }
      } else if (length > 0) {
        content.write(in.readNBytes((int) length));
      }
      return new Response(status, content.toString(StandardCharsets.UTF_8), rateLimit, session);
    }

    private static String chunkSize(String line) {
      int semicolon = line.indexOf(';');
      return (semicolon < 0 ? line : line.substring(0, semicolon)).trim();
    }

    private final StringBuilder lineBuffer = new StringBuilder(128);

    private String line() throws IOException {
      lineBuffer.setLength(0);
      for (int c = in.read(); c != '\n'; c = in.read()) {
        if (c < 0) {
          throw new IOException("the server closed the connection");
        }
        if (c != '\r') {
          lineBuffer.append((char) c);
        }
      }
      return lineBuffer.toString();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  // ---- plumbing ----

  /** The server's stdout and stderr, drained: its port, and its last lines for error messages. */
  private static final class ServerLog {
    final CompletableFuture<Integer> port = new CompletableFuture<>();
    final ConcurrentLinkedDeque<String> last = new ConcurrentLinkedDeque<>();

    ServerLog(Process process) {
      drain(process.getInputStream(), "stdout");
      drain(process.getErrorStream(), "stderr");
    }

    int awaitPort() throws Exception {
      try {
        return port.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new IllegalStateException("the server did not report listening (" + e + ")", e);
      }
    }

    private void drain(InputStream stream, String name) {
      Thread thread = new Thread(() -> {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
          for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            last.addLast(line);
            if (last.size() > 50) {
              last.pollFirst();
            }
            Matcher matcher = LISTENING.matcher(line);
            if (matcher.matches()) {
              port.complete(Integer.parseInt(matcher.group(1)));
            }
          }
        } catch (IOException e) {
          // the process is gone
        } finally {
          port.completeExceptionally(new IllegalStateException("the server's " + name + " ended"));
        }
      }, "overhead-run-server-" + name);
      thread.setDaemon(true);
      thread.start();
    }
  }

  private static Options parse(String[] args) {
    Path agent = Path.of("agent/target/mcp-ratelimit-agent.jar");
    Path server = Path.of("sample-mcp-server/target/sample-mcp-server.jar");
    Path startupConfig = Path.of("demo/ratelimit.properties");
    int pairs = 10;
    int warmup = 100_000;
    int calls = 100_000;
    int startupPairs = 10;
    String only = null;
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
        case "--startup-pairs" -> startupPairs = Integer.parseInt(required(args[i], value));
        case "--only" -> {
          only = required(args[i], value);
          if (!only.equals("with") && !only.equals("without")) {
            throw new IllegalArgumentException("--only takes with or without");
          }
        }
        case "--jvm-option" -> jvmOptions.add(required(args[i], value));
        default -> throw new IllegalArgumentException("unknown argument " + args[i] + "; usage: OverheadRun [--pairs N]"
            + " [--warmup N] [--calls N] [--startup-pairs N] [--agent JAR] [--server JAR] [--startup-config FILE]"
            + " [--only with|without] [--jvm-option OPT]...");
      }
      i++;
    }
    if (jvmOptions.isEmpty()) {
      jvmOptions.add("-Xmx256m");
    }
    return new Options(agent, server, pairs, warmup, calls, startupPairs, startupConfig, only, List.copyOf(jvmOptions));
  }
}
