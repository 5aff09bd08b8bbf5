package dev.mcpratelimit.it;

import static dev.mcpratelimit.it.Calls.TRACK;
import static dev.mcpratelimit.it.Calls.assertAllowed;
import static dev.mcpratelimit.it.Calls.assertAllowedTimes;
import static dev.mcpratelimit.it.Calls.assertRateLimited;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpTransportException;
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
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Against a real clock and real concurrency: refill over time, and no over-admission under a race. */
class RefillAndConcurrencyIT {

  private static final int THREADS = 16;
  private static final int CALLS_PER_THREAD = 6;

  @TempDir
  static Path dir;

  private static ForkedServer server;

  @BeforeAll
  static void startServer() throws Exception {
    List<String> lines = new ArrayList<>(List.of(
        "tier.fast.rate=60/min",
        "tier.fast.burst=2",
        "tier.crowd.rate=50/h",
        "tier.crowd.burst=50"));
    lines.addAll(List.of(ConfigFile.caller("refill", "key-refill", "fast")));
    lines.addAll(List.of(ConfigFile.caller("crowd", "key-crowd", "crowd")));
    lines.addAll(List.of(ConfigFile.caller("warmup", "key-warmup", "basic")));
    server = ForkedServer.sampleServer().agent(ConfigFile.write(dir, "ratelimit.properties", lines.toArray(String[]::new)))
        .start();
    server.assertAgentStarted("enforce");
    try (McpSyncClient warmup = McpClients.http(server, "key-warmup")) {
      assertAllowedTimes(5, warmup, "get_track", TRACK);
    }
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void theBucketRefillsContinuously() throws Exception {
    try (McpSyncClient client = McpClients.http(server, "key-refill")) {
      // fast: 60/min with burst 2, i.e. one token a second.
      long start = System.nanoTime();
      assertAllowedTimes(2, client, "get_track", TRACK);
      RateLimited third = assertRateLimited(client, "get_track", TRACK, "call 3");
      assertEquals(new RateLimited(1, 2, 0, "fast", "get_track", "caller"), third);

      // 1.3 s after the bucket was full and two were taken, it holds 1.3 tokens: one call, not two.
      sleepUntil(start + TimeUnit.MILLISECONDS.toNanos(1300));

      assertAllowed(client, "get_track", TRACK, "1.3 s later");
      RateLimited fifth = assertRateLimited(client, "get_track", TRACK, "right after");
      assertTrue(System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(2000),
          "too slow: a second token may have been added meanwhile");
      assertEquals(new RateLimited(1, 2, 0, "fast", "get_track", "caller"), fifth);
    }
  }

  @Test
  void sixteenClientsRacingForOneBucketGetExactlyItsBurst() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    List<McpSyncClient> clients = new ArrayList<>();
    try {
      // Each thread its own SDK client and HTTP session, all with the same key: one caller bucket.
      List<Future<McpSyncClient>> connecting = new ArrayList<>();
      for (int i = 0; i < THREADS; i++) {
        connecting.add(pool.submit(() -> McpClients.http(server, "key-crowd")));
      }
      for (Future<McpSyncClient> client : connecting) {
        clients.add(client.get(60, TimeUnit.SECONDS));
      }

      AtomicInteger allowed = new AtomicInteger();
      AtomicInteger rejected = new AtomicInteger();
      Map<String, Integer> other = new TreeMap<>();
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> racing = new ArrayList<>();
      for (McpSyncClient client : clients) {
        racing.add(pool.submit(() -> {
          go.await();
          for (int i = 0; i < CALLS_PER_THREAD; i++) {
            try {
              CallToolResult result = Calls.call(client, "get_track", TRACK);
              if (Boolean.TRUE.equals(result.isError())) {
                synchronized (other) {
                  other.merge("tool error " + Calls.text(result), 1, Integer::sum);
                }
              } else {
                allowed.incrementAndGet();
              }
            } catch (McpError | McpTransportException e) {
              // 429 (the default reject.http-status): the SDK's transport throws with the body.
              RateLimited limited = RateLimited.of((RuntimeException) e);
              assertEquals(new RateLimited(0, 50, 0, "crowd", "get_track", "caller"), limited.withRetryAfter(0));
              rejected.incrementAndGet();
            }
          }
          return null;
        }));
      }
      go.countDown();
      for (Future<?> thread : racing) {
        thread.get(60, TimeUnit.SECONDS);
      }

      assertEquals(Map.of(), other, "outcomes other than allowed or rate limited");
      assertEquals(50, allowed.get(), "allowed");
      assertEquals(THREADS * CALLS_PER_THREAD - 50, rejected.get(), "rejected");
      // 50/h: the bucket stays empty.
      assertEquals("caller", assertRateLimited(clients.get(0), "get_track", TRACK, "after the race").scope());
    } finally {
      clients.forEach(McpSyncClient::close);
      pool.shutdownNow();
    }
  }

  private static void sleepUntil(long nanoTime) throws InterruptedException {
    long left = nanoTime - System.nanoTime();
    if (left > 0) {
      TimeUnit.NANOSECONDS.sleep(left);
    }
  }
}
