package dev.mcpratelimit.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcpratelimit.core.BucketKey;
import dev.mcpratelimit.core.BucketLimit;
import dev.mcpratelimit.core.BucketStore.Balances;
import dev.mcpratelimit.core.BucketStore.Charge;
import dev.mcpratelimit.core.FakeClock;
import dev.mcpratelimit.core.Rate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/** The Redis store on a real redis-server, with Redis' own clock unless a test needs a fixed one. */
class RedisBucketStoreTest {

  private static final BucketLimit FREE = new BucketLimit(10, Rate.perMinute(10));

  private final List<RedisBucketStore> opened = new ArrayList<>();

  @AfterEach
  void close() {
    opened.forEach(RedisBucketStore::close);
  }

  /** A store timed by Redis TIME, as in production, on an emptied shared server. */
  private RedisBucketStore realTime() throws Exception {
    RedisServer server = RedisServer.shared();
    try (Jedis client = server.client()) {
      client.flushDB();
    }
    RedisBucketStore store = new RedisBucketStore(RedisSettings.local(server.port()).withTimeout(Duration.ofSeconds(2)));
    opened.add(store);
    return store;
  }

  private static Charge caller(String id, BucketLimit limit) {
    return new Charge(BucketKey.caller(id), limit);
  }

  @Test
  void aChargedBucketExpiresWhenItWouldBeFullAgainAndThenStartsFull() throws Exception {
    RedisBucketStore store = realTime();
    store.tryConsume(new Charge[] {caller("alice", FREE)}, 1);
    try (Jedis client = RedisServer.shared().client()) {
      long ttl = client.pttl("mcp-rl:{caller:alice}");
      assertTrue(ttl > 5_900 && ttl <= 6_002, "one token of 10/min is 6 s from full: " + ttl);
      BucketLimit fast = new BucketLimit(1, Rate.perSecond(10));
      store.tryConsume(new Charge[] {caller("bob", fast)}, 1);
      assertTrue(client.exists("mcp-rl:{caller:bob}"));
      Thread.sleep(300);
      assertFalse(client.exists("mcp-rl:{caller:bob}"), "full after 100 ms: not worth keeping");
      assertEquals(fast.credit(1), store.peek(new Charge[] {caller("bob", fast)})[0]);
    }
  }

  @Test
  void aCallersBucketsShareOneKeyAndResettingItIsOneDelete() throws Exception {
    RedisBucketStore store = realTime();
    BucketLimit perTool = new BucketLimit(5, Rate.perMinute(5));
    Charge[] charges = {caller("carol", FREE), new Charge(BucketKey.callerTool("carol", "search"), perTool),
        new Charge(BucketKey.toolGlobal("search"), FREE)};
    store.tryConsume(charges, 2);
    try (Jedis client = RedisServer.shared().client()) {
      assertEquals(Set.of("mcp-rl:{caller:carol}", "mcp-rl:{tool:search}"), client.keys("*"));
      assertEquals(Set.of("c:c", "c:s", "c:u", "t:search:c", "t:search:s", "t:search:u"),
          client.hkeys("mcp-rl:{caller:carol}"));
    }
    store.resetCaller("carol");
    long[] held = store.peek(charges);
    assertEquals(FREE.credit(10), held[0]);
    assertEquals(perTool.credit(5), held[1]);
    assertEquals(8, FREE.wholeTokens(held[2]), "the global bucket is everyone's: a reset leaves it");
  }

  @Test
  void aRejectedDecisionOverThreeBucketsChargesNoneOfThem() throws Exception {
    RedisBucketStore store = realTime();
    BucketLimit tight = new BucketLimit(2, Rate.perHour(2));
    Charge[] charges = {caller("dave", FREE), new Charge(BucketKey.callerTool("dave", "search"), tight),
        new Charge(BucketKey.toolGlobal("search"), FREE)};
    assertTrue(store.tryConsume(charges, 2).admitted());
    Balances refused = store.tryConsume(charges, 2);
    assertFalse(refused.admitted());
    assertEquals(0, tight.wholeTokens(refused.credit()[1]), "the bucket that lacked the cost");
    assertEquals(8, FREE.wholeTokens(refused.credit()[0]));
    assertEquals(8, FREE.wholeTokens(store.peek(charges)[2]), "the global bucket was not charged either");
  }

  @Test
  void eightThreadsOnOneHotCallerAdmitExactlyTheBurst() throws Exception {
    RedisBucketStore shared = realTime();
    FakeClock frozen = new FakeClock();
    BucketLimit limit = new BucketLimit(500, Rate.perHour(500));
    // Frozen time: nothing refills while the threads race, so exactly the burst may pass.
    RedisBucketStore store = new RedisBucketStore(shared.connection(), () -> frozen.nanoTime() / 1000);
    Charge[] charges = {caller("hot", limit), new Charge(BucketKey.toolGlobal("search"), new BucketLimit(600, Rate.perHour(600)))};
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      CyclicBarrier start = new CyclicBarrier(8);
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        results.add(pool.submit(() -> {
          start.await();
          int admitted = 0;
          for (int i = 0; i < 100; i++) {
            admitted += store.tryConsume(charges, 1).admitted() ? 1 : 0;
          }
          return admitted;
        }));
      }
      int admitted = 0;
      for (Future<Integer> result : results) {
        admitted += result.get();
      }
      assertEquals(500, admitted);
      long[] held = store.peek(charges);
      assertEquals(0, held[0]);
      assertEquals(100, charges[1].limit().wholeTokens(held[1]), "rejected calls took nothing from the global bucket");
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void afterScriptFlushTheNextDecisionLoadsTheScriptAgainAndIsRight() throws Exception {
    RedisBucketStore store = realTime();
    Charge[] charges = {caller("erin", FREE)};
    assertEquals(FREE.credit(9), store.tryConsume(charges, 1).credit()[0], "within the same 6 s");
    try (Jedis client = RedisServer.shared().client()) {
      client.scriptFlush();
      assertFalse(client.scriptExists(RedisScripts.sha()));
    }
    Balances next = store.tryConsume(charges, 1);
    assertTrue(next.admitted());
    assertEquals(8, FREE.wholeTokens(next.credit()[0]));
  }

  @Test
  void theClientStartsNoThread() throws Exception {
    Set<Thread> before = Thread.getAllStackTraces().keySet();
    RedisBucketStore store = realTime();
    store.tryConsume(new Charge[] {caller("ivan", FREE)}, 1);
    store.peek(new Charge[] {caller("ivan", FREE)});
    List<String> started = Thread.getAllStackTraces().keySet().stream()
        .filter(thread -> !before.contains(thread) && thread.isAlive()).map(Thread::getName).toList();
    assertEquals(List.of(), started, "no evictor, no reader thread: nothing to stop at the host's exit");
  }

  @Test
  void aChangedLimitKeepsTheBalanceCappedAtTheNewBurst() throws Exception {
    RedisBucketStore store = realTime();
    BucketLimit basic = new BucketLimit(60, Rate.perMinute(60));
    store.tryConsume(new Charge[] {caller("judy", basic)}, 4);
    BucketLimit lower = new BucketLimit(30, Rate.perHour(30));
    Balances after = store.tryConsume(new Charge[] {caller("judy", lower)}, 1);
    assertEquals(29, lower.wholeTokens(after.credit()[0]), "56 left, capped at 30, minus this call");
  }
}
