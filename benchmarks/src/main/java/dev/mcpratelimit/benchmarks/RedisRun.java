package dev.mcpratelimit.benchmarks;

import static dev.mcpratelimit.benchmarks.LoadRuns.destroy;
import static dev.mcpratelimit.benchmarks.LoadRuns.loadAverage;
import static dev.mcpratelimit.benchmarks.LoadRuns.quantile;
import static dev.mcpratelimit.benchmarks.LoadRuns.required;

import dev.mcpratelimit.core.BucketKey;
import dev.mcpratelimit.core.BucketLimit;
import dev.mcpratelimit.core.BucketStore;
import dev.mcpratelimit.core.BucketStore.Charge;
import dev.mcpratelimit.core.NanoClock;
import dev.mcpratelimit.core.Rate;
import dev.mcpratelimit.store.InMemoryBucketStore;
import dev.mcpratelimit.store.RedisBucketStore;
import dev.mcpratelimit.store.RedisSettings;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.BucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.github.bucket4j.redis.lettuce.cas.LettuceBasedProxyManager;
import io.lettuce.core.RedisClient;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntPredicate;

/**
 * A load run, not a test: the agent's Redis store ({@link RedisBucketStore}) against a local
 * {@code redis-server} that the run starts on a free loopback port (no persistence) and stops at the
 * end, also on failure.
 *
 * <ol>
 *   <li><b>Throughput.</b> Decisions per second of this JVM through {@code RedisBucketStore.tryConsume}
 *       with 1, 4 and 16 threads: the agent's two-bucket decision (a caller's tier bucket plus its
 *       bucket for the tool, one {@code EVALSHA}), on one hot caller and spread over
 *       {@code --callers} callers. Next to each, {@code redis-benchmark -c <threads>} sending the
 *       same {@code EVALSHA} with the same keys and arguments the store sends (the spread one with
 *       {@code -r <callers>} and {@code __rand_int__} in the caller's key). Ratio = ours / redis-benchmark.
 *   <li><b>Against Bucket4j.</b> Bucket4j 8.14's Lettuce proxy manager (compare-and-swap) with the
 *       same two buckets (two keys, each {@code tryConsume(1)}), and the agent's store, 8 threads on
 *       one hot caller: decisions per second, round trips per decision (from
 *       {@code INFO commandstats} before and after, minus the first {@code INFO} itself, and minus
 *       the commands the scripts run inside Redis) and the latency quantiles of a decision.
 *   <li><b>Added latency.</b> One thread, one decision at a time: the decision's latency
 *       ({@code System.nanoTime} around {@code tryConsume}) with the Redis store and with the
 *       in-memory store.
 * </ol>
 *
 * <p>Every limit is so large that every decision is admitted (the path legitimate calls take). The
 * store's timeout is {@code --timeout-ms} (default 1000, not the agent's 50 ms default: on a shared
 * 2-core machine 16 threads plus Redis plus redis-benchmark would see scheduling stalls past 50 ms,
 * and a timed-out decision here would be counted as an error, not fall back). Errors are counted
 * and printed.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.mcpratelimit.benchmarks.RedisRun \
 *     [--seconds 5] [--warmup-seconds 2] [--callers 10000] [--latency-decisions 20000] [--timeout-ms 1000]
 * </pre>
 */
public final class RedisRun {

  /** Never runs dry: 10^12 tokens, 10^9 a second (credit per token 1, per µs 1000 in Redis). */
  private static final BucketLimit PLENTY = new BucketLimit(1_000_000_000_000L, Rate.perSecond(1_000_000_000L));
  private static final String TOOL = "search_tracks";
  private static final String PREFIX = RedisSettings.DEFAULT_KEY_PREFIX;

  private RedisRun() {}

  public static void main(String[] args) throws Exception {
    int seconds = 5;
    int warmup = 2;
    int callers = 10_000;
    int latencyDecisions = 20_000;
    int timeoutMs = 1000;
    for (int i = 0; i < args.length; i++) {
      String value = i + 1 < args.length ? args[i + 1] : null;
      switch (args[i]) {
        case "--seconds" -> seconds = Integer.parseInt(required(args[i], value));
        case "--warmup-seconds" -> warmup = Integer.parseInt(required(args[i], value));
        case "--callers" -> callers = Integer.parseInt(required(args[i], value));
        case "--latency-decisions" -> latencyDecisions = Integer.parseInt(required(args[i], value));
        case "--timeout-ms" -> timeoutMs = Integer.parseInt(required(args[i], value));
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
      i++;
    }
    System.out.printf("RedisRun: %s, %s, %d cores, load average %s at start%n", System.getProperty("java.vm.name"),
        System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), loadAverage());
    int port = freePort();
    Path log = Files.createTempFile("redis-run", ".log");
    Process redis = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
        "--save", "", "--appendonly", "no").redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      awaitRedis(port, redis, log);
      System.out.println(cli(port, "INFO", "server").lines().filter(l -> l.startsWith("redis_version")).findFirst().orElse("")
          + ", port " + port);
      run(port, seconds, warmup, callers, latencyDecisions, timeoutMs);
    } finally {
      destroy(redis);
      Files.deleteIfExists(log);
    }
    System.out.printf("load average %s at end%n", loadAverage());
  }

  private static void run(int port, int seconds, int warmup, int callers, int latencyDecisions, int timeoutMs)
      throws Exception {
    RedisSettings settings = RedisSettings.local(port).withTimeout(Duration.ofMillis(timeoutMs));
    try (RedisBucketStore store = new RedisBucketStore(settings)) {
      String[] names = new String[callers];
      Charge[][] charges = new Charge[callers][];
      for (int i = 0; i < callers; i++) {
        names[i] = String.format(Locale.ROOT, "%012d", i); // as redis-benchmark writes __rand_int__
        charges[i] = twoBuckets(names[i]);
      }
      Charge[] hot = twoBuckets("hot");
      store.tryConsume(hot, 1); // loads the script (NOSCRIPT, SCRIPT LOAD, EVALSHA)
      String sha = cli(port, "SCRIPT", "LOAD", script()).trim();
      List<String> hotArgs = evalshaArgs(sha, PREFIX + "{caller:hot}");
      List<String> spreadArgs = evalshaArgs(sha, PREFIX + "{caller:__rand_int__}");
      checkSameCall(port, store, hot, hotArgs);

      System.out.println();
      System.out.println("== 1. throughput: decisions/s of RedisBucketStore vs redis-benchmark, same EVALSHA (" + seconds
          + " s each, after " + warmup + " s warm-up)");
      System.out.println("| decision | threads / -c | ours decisions/s | errors | redis-benchmark req/s | ratio ours/redis-benchmark |");
      System.out.println("|---|---|---|---|---|---|");
      for (int threads : new int[] {1, 4, 16}) {
        for (boolean spread : new boolean[] {false, true}) {
          AtomicLong errors = new AtomicLong();
          IntPredicate decide = spread
              ? new IntPredicate() {
                  final AtomicLong next = new AtomicLong();
                  @Override
                  public boolean test(int t) {
                    int i = (int) ((next.getAndIncrement() * 7919) % callers);
                    return store.tryConsume(charges[i], 1).admitted();
                  }
                }
              : t -> store.tryConsume(hot, 1).admitted();
          Result ours = measure(threads, warmup, seconds, decide, errors, false);
          long n = Math.max(20_000, Math.round(ours.perSecond() * seconds));
          double theirs = redisBenchmark(port, threads, n, spread ? callers : 0, spread ? spreadArgs : hotArgs);
          System.out.printf(Locale.ROOT, "| %s | %d | %.0f | %d | %.0f | **%.2f** |%n",
              spread ? "spread over " + callers + " callers" : "one hot caller", threads, ours.perSecond(),
              errors.get() + ours.rejected(), theirs, ours.perSecond() / theirs);
        }
      }
      System.out.println("load average " + loadAverage());

      System.out.println();
      System.out.println("== 2. against Bucket4j 8.14 (Lettuce proxy manager, CAS), same two buckets, 8 threads, one hot caller ("
          + seconds + " s each, after " + warmup + " s warm-up)");
      RedisClient client = RedisClient.create("redis://127.0.0.1:" + port);
      try {
        LettuceBasedProxyManager<byte[]> manager = Bucket4jLettuce.casBasedBuilder(client)
            .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofMinutes(1)))
            .build();
        BucketConfiguration config = BucketConfiguration.builder()
            .addLimit(limit -> limit.capacity(PLENTY.capacity()).refillGreedy(1_000_000_000L, Duration.ofSeconds(1)))
            .build();
        BucketProxy tier = manager.builder().build("b4j:{caller:hot}".getBytes(StandardCharsets.UTF_8), () -> config);
        BucketProxy tool = manager.builder().build(("b4j:{caller:hot}:" + TOOL).getBytes(StandardCharsets.UTF_8), () -> config);
        System.out.println("| store | decisions/s | round trips per decision | commands Redis ran per decision (commandstats, script-internal included) | p50 µs | p99 µs | p99.9 µs | errors |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        AtomicLong b4jErrors = new AtomicLong();
        compare(port, "Bucket4j LettuceBasedProxyManager (two tryConsume(1))", warmup, seconds, b4jErrors,
            t -> tier.tryConsume(1) & tool.tryConsume(1));
        AtomicLong ourErrors = new AtomicLong();
        compare(port, "RedisBucketStore (one EVALSHA)", warmup, seconds, ourErrors, t -> store.tryConsume(hot, 1).admitted());
      } finally {
        client.shutdown();
      }
      System.out.println("load average " + loadAverage());

      System.out.println();
      System.out.println("== 3. added latency per decision, 1 thread, " + latencyDecisions + " decisions after as many warm-up ones");
      InMemoryBucketStore memory = new InMemoryBucketStore(NanoClock.system(), 1_000_000);
      double[] inMemory = latencies(memory, hot, latencyDecisions);
      double[] inRedis = latencies(store, hot, latencyDecisions);
      System.out.println("| store | p50 µs | p90 µs | p99 µs | p99.9 µs |");
      System.out.println("|---|---|---|---|---|");
      printLatency("InMemoryBucketStore", inMemory);
      printLatency("RedisBucketStore (loopback)", inRedis);
      System.out.printf(Locale.ROOT, "added by Redis: p50 %.1f µs, p99 %.1f µs%n",
          quantile(inRedis, 0.5) - quantile(inMemory, 0.5), quantile(inRedis, 0.99) - quantile(inMemory, 0.99));
      System.out.println("load average " + loadAverage());
    }
  }

  private static Charge[] twoBuckets(String caller) {
    return new Charge[] {
        new Charge(BucketKey.caller(caller), PLENTY), new Charge(BucketKey.callerTool(caller, TOOL), PLENTY)};
  }

  /**
   * The command {@code RedisBucketStore} sends for {@link #twoBuckets}: one key (the caller's hash),
   * then '' (Redis TIME), the tokens, and per bucket its key index, field prefix, capacity, credit
   * per token and credit per µs (as {@code RedisUnits} computes them: {@code r/g} and {@code P/g}
   * with {@code g = gcd(r, P)}).
   */
  private static List<String> evalshaArgs(String sha, String key) {
    long tokens = PLENTY.rate().tokens();
    long periodMicros = PLENTY.rate().periodNanos() / 1000;
    long g = BucketLimit.gcd(tokens, periodMicros);
    String perToken = Long.toString(periodMicros / g);
    String perMicro = Long.toString(tokens / g);
    String capacity = Long.toString(PLENTY.capacity());
    return List.of("EVALSHA", sha, "1", key, "", "1",
        "1", "c:", capacity, perToken, perMicro,
        "1", "t:" + TOOL + ":", capacity, perToken, perMicro);
  }

  /**
   * What the store really sends, seen by {@code MONITOR} during one decision, must be the command
   * redis-benchmark gets (else the comparison is off); and that command, sent by hand, is admitted.
   */
  private static void checkSameCall(int port, RedisBucketStore store, Charge[] hot, List<String> hotArgs)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile("redis-run-monitor", ".txt");
    Process monitor = new ProcessBuilder("redis-cli", "-p", Integer.toString(port), "MONITOR")
        .redirectErrorStream(true).redirectOutput(out.toFile()).start();
    try {
      Thread.sleep(300);
      store.tryConsume(hot, 1);
      Thread.sleep(300);
    } finally {
      destroy(monitor);
    }
    String expected = hotArgs.stream().map(a -> '"' + a + '"').reduce((a, b) -> a + " " + b).orElseThrow();
    String seen = Files.readAllLines(out).stream().filter(l -> l.contains("\"EVALSHA\"") || l.contains("\"evalsha\""))
        .findFirst().map(l -> l.substring(l.indexOf(']') + 2)).orElse("(no EVALSHA seen)");
    Files.deleteIfExists(out);
    if (!seen.equalsIgnoreCase(expected)) {
      throw new IllegalStateException("the store sends " + seen + ", redis-benchmark would send " + expected);
    }
    List<String> call = new ArrayList<>(List.of("redis-cli", "-p", Integer.toString(port)));
    call.addAll(hotArgs);
    String reply = exec(call, null);
    if (!reply.startsWith("1\n")) {
      throw new IllegalStateException("EVALSHA by hand was not admitted: " + reply);
    }
    System.out.println("EVALSHA as the store sends it (seen by MONITOR), also sent by redis-benchmark: " + seen);
  }

  private record Result(long decisions, long rejected, double perSecond, double[] latenciesMicros) {}

  /** Runs {@code decide} on {@code threads} threads: a warm-up, then {@code seconds} measured. */
  private static Result measure(int threads, int warmup, int seconds, IntPredicate decide, AtomicLong errors,
      boolean latencies) throws InterruptedException {
    long warmupEnd = System.nanoTime() + warmup * 1_000_000_000L;
    long end = warmupEnd + seconds * 1_000_000_000L;
    long[] counts = new long[threads];
    long[] rejected = new long[threads];
    double[][] samples = new double[threads][];
    int[] sampleCounts = new int[threads];
    Thread[] workers = new Thread[threads];
    for (int t = 0; t < threads; t++) {
      int id = t;
      samples[t] = new double[latencies ? 1 << 20 : 0];
      workers[t] = new Thread(() -> {
        long now = System.nanoTime();
        while (now < end) {
          boolean measured = now >= warmupEnd;
          try {
            boolean admitted = decide.test(id);
            long after = System.nanoTime();
            if (measured) {
              counts[id]++;
              if (!admitted) {
                rejected[id]++;
              }
              if (sampleCounts[id] < samples[id].length) {
                samples[id][sampleCounts[id]++] = (after - now) / 1000.0;
              }
            }
            now = after;
          } catch (RuntimeException e) {
            errors.incrementAndGet();
            now = System.nanoTime();
          }
        }
      }, "redis-run-" + t);
      workers[t].start();
    }
    for (Thread worker : workers) {
      worker.join();
    }
    long total = Arrays.stream(counts).sum();
    double[] all = new double[Arrays.stream(sampleCounts).sum()];
    int at = 0;
    for (int t = 0; t < threads; t++) {
      System.arraycopy(samples[t], 0, all, at, sampleCounts[t]);
      at += sampleCounts[t];
    }
    return new Result(total, Arrays.stream(rejected).sum(), total / (double) seconds, all);
  }

  private static void compare(int port, String label, int warmup, int seconds, AtomicLong errors, IntPredicate decide)
      throws Exception {
    measure(8, warmup, 0, decide, errors, false); // warm-up outside the command count
    Map<String, Long> before = commandCalls(port);
    Result result = measure(8, 0, seconds, decide, errors, true);
    Map<String, Long> commands = delta(before, commandCalls(port));
    // commandstats also counts what a script runs (redis.call). Clients send only EVALSHA (ours),
    // and GET and EVAL (Bucket4j's compare-and-swap); each of Bucket4j's EVALs runs one GET inside
    // its script (on an existing key), so the GETs Bucket4j itself sends are get - eval.
    long eval = commands.getOrDefault("eval", 0L);
    long roundTrips = commands.getOrDefault("evalsha", 0L) + eval + Math.max(0, commands.getOrDefault("get", 0L) - eval);
    StringBuilder perCommand = new StringBuilder();
    commands.forEach((command, n) -> perCommand.append(perCommand.length() == 0 ? "" : ", ")
        .append(String.format(Locale.ROOT, "%s %.2f", command, n / (double) result.decisions())));
    System.out.printf(Locale.ROOT, "| %s | %.0f | %.2f | %s | %.0f | %.0f | %.0f | %d |%n", label, result.perSecond(),
        roundTrips / (double) result.decisions(), perCommand, quantile(result.latenciesMicros(), 0.5),
        quantile(result.latenciesMicros(), 0.99), quantile(result.latenciesMicros(), 0.999),
        errors.get() + result.rejected());
  }

  /** Calls per command Redis has run so far ({@code calls=} in {@code INFO commandstats}). */
  private static Map<String, Long> commandCalls(int port) throws IOException, InterruptedException {
    Map<String, Long> calls = new TreeMap<>();
    for (String line : cli(port, "INFO", "commandstats").split("\\R")) {
      int at = line.indexOf("calls=");
      if (line.startsWith("cmdstat_") && at > 0) {
        calls.put(line.substring(8, line.indexOf(':')), Long.parseLong(line.substring(at + 6, line.indexOf(',', at))));
      }
    }
    return calls;
  }

  /** What ran between two {@link #commandCalls}, without the first {@code INFO} (counted by the second). */
  private static Map<String, Long> delta(Map<String, Long> before, Map<String, Long> after) {
    Map<String, Long> delta = new TreeMap<>();
    after.forEach((command, calls) -> {
      long n = calls - before.getOrDefault(command, 0L) - (command.equals("info") ? 1 : 0);
      if (n > 0) {
        delta.put(command, n);
      }
    });
    return delta;
  }

  private static double[] latencies(BucketStore store, Charge[] charges, int decisions) {
    for (int i = 0; i < decisions; i++) {
      store.tryConsume(charges, 1);
    }
    double[] micros = new double[decisions];
    for (int i = 0; i < decisions; i++) {
      long start = System.nanoTime();
      store.tryConsume(charges, 1);
      micros[i] = (System.nanoTime() - start) / 1000.0;
    }
    return micros;
  }

  private static void printLatency(String label, double[] micros) {
    System.out.printf(Locale.ROOT, "| %s | %.1f | %.1f | %.1f | %.1f |%n", label, quantile(micros, 0.5),
        quantile(micros, 0.9), quantile(micros, 0.99), quantile(micros, 0.999));
  }

  /** {@code redis-benchmark} with {@code clients} connections and {@code n} requests: its requests/s. */
  private static double redisBenchmark(int port, int clients, long n, int keyspace, List<String> command)
      throws IOException, InterruptedException {
    List<String> call = new ArrayList<>(List.of("redis-benchmark", "-p", Integer.toString(port), "-n", Long.toString(n),
        "-c", Integer.toString(clients), "--csv"));
    if (keyspace > 0) {
      call.addAll(List.of("-r", Integer.toString(keyspace)));
    }
    call.addAll(command);
    String out = exec(call, null);
    for (String line : out.split("\\R")) {
      String[] fields = line.replace("\"", "").split(",");
      if (fields.length > 1 && fields[0].startsWith("EVALSHA")) {
        return Double.parseDouble(fields[1]);
      }
    }
    throw new IllegalStateException("no result from redis-benchmark: " + out);
  }

  private static String script() throws IOException {
    try (InputStream in = RedisBucketStore.class.getResourceAsStream("buckets.lua")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static String cli(int port, String... args) throws IOException, InterruptedException {
    List<String> call = new ArrayList<>(List.of("redis-cli", "-p", Integer.toString(port)));
    call.addAll(List.of(args));
    return exec(call, null);
  }

  private static String exec(List<String> command, String stdin) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    process.getOutputStream().close();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", command.subList(0, Math.min(4, command.size()))) + ": " + out);
    }
    return out;
  }

  private static void awaitRedis(int port, Process redis, Path log) throws Exception {
    for (int i = 0; i < 100; i++) {
      if (!redis.isAlive()) {
        throw new IllegalStateException("redis-server exited: " + Files.readString(log));
      }
      try {
        if (cli(port, "PING").trim().equals("PONG")) {
          return;
        }
      } catch (IllegalStateException notYet) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("redis-server did not start on port " + port + ": " + Files.readString(log));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
