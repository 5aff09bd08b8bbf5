package dev.mcpratelimit.it;

import static dev.mcpratelimit.it.Calls.TRACK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A flood of rejected calls from one anonymous free-tier caller (8 threads, each its own SDK client
 * and HTTP session) while a premium caller works on its own client: the premium caller is never
 * refused, the flood gets exactly its burst, the counters agree with the clients, the rejection log
 * stays bounded (and accounts for every rejection), and the server's heap does not grow with the
 * number of rejections.
 */
class FloodIT {

  private static final String PREMIUM_KEY = "pat-key";
  private static final int FLOOD_THREADS = 8;
  /** free: a burst of 10 refilling at 10/h, i.e. one token in 6 minutes: nothing refills during the test. */
  private static final int FREE_BURST = 10;
  private static final int FIRST_PHASE_REJECTIONS = 2_000;
  private static final int SECOND_PHASE_REJECTIONS = 8_000;
  /** premium: 300/min with a burst of 300, i.e. 5 tokens a second on top of the burst. */
  private static final int PREMIUM_BURST = 300;
  /** The premium caller's pace: a call every 40 ms until it made this many, then one every 250 ms. */
  private static final int PREMIUM_FAST_CALLS = 250;
  private static final long PREMIUM_FAST_PAUSE_MS = 40;
  private static final long PREMIUM_SLOW_PAUSE_MS = 250;
  /** Heap growth from 2,000 to 10,000 rejections that still counts as "no per-rejection state". */
  private static final long MAX_HEAP_GROWTH = 8L << 20;
  private static final long MAX_STDERR_BYTES = 64L << 10;
  private static final long LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);
  private static final int LINES_PER_INTERVAL = 10;

  private static final Pattern SUMMARY = Pattern.compile(
      "\\[mcp-ratelimit] INFO (\\d+) more rejections in the last 10 s were not logged \\(at most 10 lines per interval\\)");
  private static final String REJECTED_LINE = "[mcp-ratelimit] INFO rejected: caller=anon:127.0.0.1 tier=free tool=get_track cost=1 scope=caller remaining=0 retry-after=";

  @Test
  void aFloodOfRejectionsHurtsNoOneElseAndLeavesLogAndHeapBounded(@TempDir Path dir) throws Exception {
    List<String> lines = new ArrayList<>(List.of(
        "tier.free.rate=10/h",
        "tier.free.burst=" + FREE_BURST,
        "tier.premium.rate=300/min",
        "tier.premium.burst=" + PREMIUM_BURST,
        "default-tier=free",
        "reject.http-status=200"));
    lines.addAll(List.of(ConfigFile.caller("pat", PREMIUM_KEY, "premium")));
    Path config = ConfigFile.write(dir, "ratelimit.properties", lines.toArray(String[]::new));

    // -Xmx256m comes after ForkedServer's default -Xmx128m and wins. Its defaults also choose the serial
    // collector, whose gc() is a full, compacting collection: what is left is what is live.
    ExecutorService pool = Executors.newFixedThreadPool(FLOOD_THREADS + 1);
    List<McpSyncClient> flooders = new ArrayList<>();
    try (ForkedServer server = ForkedServer.sampleServer().agent(config).jvmOption("-Xmx256m").start();
         McpSyncClient premium = McpClients.http(server, PREMIUM_KEY);
         AutoCloseable closeFlooders = () -> flooders.forEach(McpSyncClient::close); // before the server stops
         JMXConnector jmx = server.jmx()) {
      server.assertAgentStarted("enforce");
      MBeanServerConnection mbeans = jmx.getMBeanServerConnection();

      List<Future<McpSyncClient>> connecting = new ArrayList<>();
      for (int i = 0; i < FLOOD_THREADS; i++) {
        connecting.add(pool.submit(() -> McpClients.http(server, null)));
      }
      for (Future<McpSyncClient> client : connecting) {
        flooders.add(client.get(60, TimeUnit.SECONDS));
      }

      Flood flood = new Flood();
      Premium premiumCaller = new Premium(premium, flood);
      Future<?> premiumRun = pool.submit(premiumCaller);
      assertTrue(premiumCaller.started.await(30, TimeUnit.SECONDS), "the premium caller's first call");

      long heapBefore = Heap.usedAfterGc(mbeans);
      flood.run(pool, flooders, FREE_BURST + FIRST_PHASE_REJECTIONS);
      long heapAfterFirst = Heap.usedAfterGc(mbeans);
      flood.run(pool, flooders, SECOND_PHASE_REJECTIONS);
      long heapAfterSecond = Heap.usedAfterGc(mbeans);

      premiumCaller.stop.set(true);
      premiumRun.get(30, TimeUnit.SECONDS);

      long spanNanos = flood.lastRejectionEnd.get() - flood.firstRejectionStart.get();
      System.out.printf("flood: %d allowed, %d rejected in %d ms; premium: %d calls, %d refused; "
              + "heap used after gc: %d KiB before, %d KiB after %d rejections, %d KiB after %d%n",
          flood.allowed.get(), flood.rejected.get(), TimeUnit.NANOSECONDS.toMillis(spanNanos),
          premiumCaller.calls.get(), premiumCaller.failures.size(), heapBefore >> 10, heapAfterFirst >> 10,
          FIRST_PHASE_REJECTIONS, heapAfterSecond >> 10, FIRST_PHASE_REJECTIONS + SECOND_PHASE_REJECTIONS);

      // The premium caller: every call allowed, all the while.
      assertEquals(List.of(), premiumCaller.failures, "premium calls that were not allowed");
      assertTrue(premiumCaller.callsDuringFlood.get() > 0, "the premium caller called during the flood");
      ObjectName premiumUsage = new ObjectName("dev.mcpratelimit:type=Usage,tier=premium,tool=get_track");
      assertEquals((long) premiumCaller.calls.get(), mbeans.getAttribute(premiumUsage, "Allowed"), "premium allowed (JMX)");
      assertEquals(0L, mbeans.getAttribute(premiumUsage, "Rejected"), "premium rejected (JMX)");

      // The flood: exactly the burst, everything else rejected, and the server counted the same.
      assertEquals(Map.of(), flood.other, "flood outcomes other than allowed or rate limited");
      assertEquals(FREE_BURST, flood.allowed.get(), "flood calls allowed");
      assertEquals(FIRST_PHASE_REJECTIONS + SECOND_PHASE_REJECTIONS, flood.rejected.get(), "flood calls rejected");
      ObjectName freeUsage = new ObjectName("dev.mcpratelimit:type=Usage,tier=free,tool=get_track");
      assertEquals((long) flood.allowed.get(), mbeans.getAttribute(freeUsage, "Allowed"), "free allowed (JMX)");
      assertEquals((long) flood.rejected.get(), mbeans.getAttribute(freeUsage, "Rejected"), "free rejected (JMX)");
      assertEquals(0L, mbeans.getAttribute(new ObjectName("dev.mcpratelimit:type=Limiter"), "InternalErrors"));

      // The log: at most 10 lines per 10-s interval the flood touched, and the summaries count the rest.
      // A summary is written when its interval ends (the once-a-second task notices), so up to ~11 s after the flood.
      long rejected = flood.rejected.get();
      long waitStart = System.nanoTime();
      long deadline = waitStart + TimeUnit.SECONDS.toNanos(15);
      LogCount log = LogCount.of(server.stderr());
      while (log.logged + log.summarized < rejected && System.nanoTime() < deadline) {
        Thread.sleep(250);
        log = LogCount.of(server.stderr());
      }
      String stderr = String.join("\n", server.stderr());
      long stderrBytes = server.stderr().stream().mapToLong(line -> line.getBytes(StandardCharsets.UTF_8).length + 1L).sum();
      System.out.printf("log: %d rejection lines, %d summary lines for %d more, after waiting %d ms; stderr %d lines, %d bytes%n",
          log.logged, log.summaries, log.summarized, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - waitStart),
          server.stderr().size(), stderrBytes);
      long intervalsSpanned = spanNanos / LOG_INTERVAL_NANOS + 1;
      long maxLogged = LINES_PER_INTERVAL * (intervalsSpanned + 1);
      LogCount counted = log;
      assertTrue(counted.logged <= maxLogged, () -> counted.logged + " rejection lines for a flood of "
          + TimeUnit.NANOSECONDS.toMillis(spanNanos) + " ms, at most " + maxLogged + " expected");
      assertEquals(rejected, counted.logged + counted.summarized,
          () -> "rejection lines (" + counted.logged + ") + summarized (" + counted.summarized + "); stderr:\n" + stderr);
      assertTrue(stderrBytes < MAX_STDERR_BYTES, () -> "stderr holds " + stderrBytes + " bytes:\n" + stderr);

      // The heap: 8,000 more rejections leave no trace.
      assertTrue(heapAfterSecond - heapAfterFirst < MAX_HEAP_GROWTH, () -> "heap used after gc grew by "
          + ((heapAfterSecond - heapAfterFirst) >> 10) + " KiB over " + SECOND_PHASE_REJECTIONS + " rejections ("
          + (heapAfterFirst >> 10) + " KiB -> " + (heapAfterSecond >> 10) + " KiB)");
      assertTrue(server.isAlive(), "the server survived the flood");
    } finally {
      pool.shutdownNow();
    }
  }

  /** Sequential premium calls, paced to stay within the premium bucket, recording any that was not allowed. */
  private static final class Premium implements Runnable {
    final AtomicInteger calls = new AtomicInteger();
    final AtomicInteger callsDuringFlood = new AtomicInteger();
    final List<String> failures = new ArrayList<>();
    final AtomicBoolean stop = new AtomicBoolean();
    final CountDownLatch started = new CountDownLatch(1);
    private final McpSyncClient client;
    private final Flood flood;

    Premium(McpSyncClient client, Flood flood) {
      this.client = client;
      this.flood = flood;
    }

    @Override
    public void run() {
      while (!stop.get()) {
        int call = calls.incrementAndGet();
        boolean flooding = flood.running.get();
        try {
          CallToolResult result = Calls.call(client, "get_track", TRACK);
          if (Boolean.TRUE.equals(result.isError())) {
            failures.add("call " + call + ": tool error " + Calls.text(result));
          }
        } catch (McpError e) {
          failures.add("call " + call + ": " + e.getJsonRpcError());
        } catch (RuntimeException e) {
          failures.add("call " + call + ": " + e);
        }
        if (flooding && flood.running.get()) {
          callsDuringFlood.incrementAndGet();
        }
        started.countDown();
        // Fast first, then slower than the 5 tokens a second premium refills: the bucket never runs dry.
        try {
          Thread.sleep(call < PREMIUM_FAST_CALLS ? PREMIUM_FAST_PAUSE_MS : PREMIUM_SLOW_PAUSE_MS);
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  /** The anonymous caller's flood, in phases of an exact number of calls shared by the flooding threads. */
  private static final class Flood {
    final AtomicBoolean running = new AtomicBoolean();
    final AtomicInteger allowed = new AtomicInteger();
    final AtomicInteger rejected = new AtomicInteger();
    final Map<String, Integer> other = new TreeMap<>();
    final AtomicLong firstRejectionStart = new AtomicLong(Long.MAX_VALUE);
    final AtomicLong lastRejectionEnd = new AtomicLong(Long.MIN_VALUE);

    void run(ExecutorService pool, List<McpSyncClient> clients, int calls) throws Exception {
      AtomicInteger tickets = new AtomicInteger(calls);
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> threads = new ArrayList<>();
      for (McpSyncClient client : clients) {
        threads.add(pool.submit(() -> {
          go.await();
          while (tickets.getAndDecrement() > 0) {
            call(client);
          }
          return null;
        }));
      }
      running.set(true);
      try {
        go.countDown();
        for (Future<?> thread : threads) {
          thread.get(120, TimeUnit.SECONDS);
        }
      } finally {
        running.set(false);
      }
    }

    private void call(McpSyncClient client) {
      long start = System.nanoTime();
      try {
        CallToolResult result = Calls.call(client, "get_track", TRACK);
        if (Boolean.TRUE.equals(result.isError())) {
          other("tool error " + Calls.text(result));
        } else {
          allowed.incrementAndGet();
        }
      } catch (McpError e) {
        RateLimited limited = RateLimited.of(e);
        if (!"free".equals(limited.tier()) || !"caller".equals(limited.scope()) || limited.remaining() != 0) {
          other("unexpected rejection " + limited);
          return;
        }
        rejected.incrementAndGet();
        long end = System.nanoTime();
        firstRejectionStart.accumulateAndGet(start, Math::min);
        lastRejectionEnd.accumulateAndGet(end, Math::max);
      } catch (RuntimeException | AssertionError e) {
        other(String.valueOf(e));
      }
    }

    private void other(String what) {
      synchronized (other) {
        other.merge(what, 1, Integer::sum);
      }
    }
  }

  /** The rejection lines on stderr and the rejections the summary lines say were not logged. */
  private record LogCount(long logged, long summaries, long summarized) {
    static LogCount of(List<String> stderr) {
      long logged = 0;
      long summaries = 0;
      long summarized = 0;
      for (String line : stderr) {
        if (line.startsWith(REJECTED_LINE)) {
          logged++;
        }
        Matcher summary = SUMMARY.matcher(line);
        if (summary.matches()) {
          summaries++;
          summarized += Long.parseLong(summary.group(1));
        }
      }
      return new LogCount(logged, summaries, summarized);
    }
  }
}
