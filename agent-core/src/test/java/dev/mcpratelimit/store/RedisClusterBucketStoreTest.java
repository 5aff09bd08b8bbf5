package dev.mcpratelimit.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * The Redis store on a real three-master Redis Cluster ({@link RedisCluster}, started once for the
 * test JVM): the exactness scenarios of {@link RedisBucketStoreTest}, plus what Cluster adds: a
 * decision over a caller's slot and a global bucket's slot stays all-or-none.
 */
class RedisClusterBucketStoreTest {

  private static final BucketLimit FREE = new BucketLimit(10, Rate.perMinute(10));

  private static RedisCluster cluster;

  private final FakeClock clock = new FakeClock();
  private final List<RedisBucketStore> opened = new ArrayList<>();
  private RedisBucketStore store;

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = RedisCluster.shared();
  }

  @BeforeEach
  void emptyCluster() {
    cluster.flushAll();
    store = open(() -> clock.nanoTime() / 1000);
  }

  @AfterEach
  void close() {
    opened.forEach(RedisBucketStore::close);
  }

  /** A cluster store timed by {@code micros}, or by Redis TIME with {@code null}. */
  private RedisBucketStore open(java.util.function.LongSupplier micros) {
    RedisSettings settings = cluster.settings().withTimeout(Duration.ofSeconds(2));
    RedisBucketStore opened = new RedisBucketStore(new RedisConnection(settings), micros);
    this.opened.add(opened);
    return opened;
  }

  private static Charge caller(String id, BucketLimit limit) {
    return new Charge(BucketKey.caller(id), limit);
  }

  private static Charge callerTool(String id, String tool, BucketLimit limit) {
    return new Charge(BucketKey.callerTool(id, tool), limit);
  }

  private static Charge global(String tool, BucketLimit limit) {
    return new Charge(BucketKey.toolGlobal(tool), limit);
  }

  private static long evalshaCalls() {
    long calls = 0;
    for (int port : cluster.ports()) {
      try (Jedis jedis = cluster.client(port)) {
        String stats = jedis.info("commandstats");
        int at = stats.indexOf("cmdstat_evalsha:calls=");
        if (at >= 0) {
          int from = at + "cmdstat_evalsha:calls=".length();
          calls += Long.parseLong(stats.substring(from, stats.indexOf(',', from)));
        }
      }
    }
    return calls;
  }

  private static void resetStats() {
    for (int port : cluster.ports()) {
      try (Jedis jedis = cluster.client(port)) {
        jedis.configResetStat();
      }
    }
  }

  @Test
  void theCallersKeyAndTheGlobalKeyLieInDifferentSlots() {
    try (Jedis jedis = cluster.client(cluster.ports().get(0))) {
      assertNotEquals(jedis.clusterKeySlot("mcp-rl:{caller:alice}"), jedis.clusterKeySlot("mcp-rl:{tool:search}"),
          "else the tests below would not exercise two slots");
      assertEquals(jedis.clusterKeySlot("mcp-rl:{caller:alice}"), jedis.clusterKeySlot("{caller:alice}"));
    }
  }

  @Test
  void aBurstThenTheRefillAtTheRateExactly() {
    Charge[] charges = {caller("alice", FREE)};
    int admitted = 0;
    for (int i = 0; i < 15; i++) {
      admitted += store.tryConsume(charges, 1).admitted() ? 1 : 0;
    }
    assertEquals(10, admitted, "the burst, no more");
    clock.advance(Duration.ofMillis(5_999));
    assertFalse(store.tryConsume(charges, 1).admitted(), "a token takes 6 s at 10/min");
    clock.advance(Duration.ofMillis(1));
    assertTrue(store.tryConsume(charges, 1).admitted());
    assertFalse(store.tryConsume(charges, 1).admitted());
    clock.advance(Duration.ofMinutes(5));
    assertEquals(FREE.credit(10), store.peek(charges)[0], "full again, never more than the burst");
  }

  @Test
  void aCostTakesThatManyTokensOrNone() {
    Charge[] charges = {caller("bob", FREE)};
    assertTrue(store.tryConsume(charges, 4).admitted());
    assertTrue(store.tryConsume(charges, 4).admitted());
    Balances refused = store.tryConsume(charges, 4);
    assertFalse(refused.admitted());
    assertEquals(FREE.credit(2), refused.credit()[0], "a refused cost takes nothing");
    assertTrue(store.tryConsume(charges, 2).admitted());
  }

  @Test
  void callerToolAndGlobalBucketsAreChargedTogetherInTheirOwnSlots() {
    BucketLimit perTool = new BucketLimit(5, Rate.perMinute(5));
    Charge[] charges = {caller("carol", FREE), callerTool("carol", "search", perTool), global("search", FREE)};
    resetStats();
    Balances first = store.tryConsume(charges, 2);
    assertTrue(first.admitted());
    assertEquals(2, evalshaCalls(), "the caller's slot, then the global bucket's");
    assertEquals(List.of(FREE.credit(8), perTool.credit(3), FREE.credit(8)),
        List.of(first.credit()[0], first.credit()[1], first.credit()[2]));
    try (Jedis owner = cluster.clientFor("mcp-rl:{caller:carol}")) {
      assertEquals(Set.of("c:c", "c:s", "c:u", "t:search:c", "t:search:s", "t:search:u"),
          owner.hkeys("mcp-rl:{caller:carol}"));
    }
    try (Jedis owner = cluster.clientFor("mcp-rl:{tool:search}")) {
      assertEquals(Set.of("g:c", "g:s", "g:u"), owner.hkeys("mcp-rl:{tool:search}"));
    }
    assertEquals(2, store.size(), "keys summed over the masters");
    resetStats();
    long[] held = store.peek(charges);
    assertEquals(2, evalshaCalls(), "a status report: one call for the caller, one per global bucket");
    assertEquals(FREE.credit(8), held[2]);

    resetStats();
    assertTrue(store.tryConsume(new Charge[] {caller("carol", FREE), callerTool("carol", "fetch", perTool)}, 1).admitted());
    assertEquals(1, evalshaCalls(), "without a global bucket a decision stays one round trip");
  }

  @Test
  void whenTheGlobalBucketRefusesNothingIsChargedToTheCaller() {
    BucketLimit perTool = new BucketLimit(5, Rate.perMinute(5));
    BucketLimit tightGlobal = new BucketLimit(3, Rate.perHour(3));
    Charge[] charges = {caller("dave", FREE), callerTool("dave", "search", perTool), global("search", tightGlobal)};
    assertTrue(store.tryConsume(charges, 2).admitted());
    resetStats();
    Balances refused = store.tryConsume(charges, 2);
    assertFalse(refused.admitted());
    assertEquals(3, evalshaCalls(), "caller charged, global refused, caller refunded");
    assertEquals(List.of(FREE.credit(8), perTool.credit(3), tightGlobal.credit(1)),
        List.of(refused.credit()[0], refused.credit()[1], refused.credit()[2]), "the balances after the refund");
    long[] held = store.peek(charges);
    assertEquals(List.of(FREE.credit(8), perTool.credit(3), tightGlobal.credit(1)), List.of(held[0], held[1], held[2]),
        "nothing charged to the caller afterwards");
    assertTrue(store.tryConsume(new Charge[] {caller("dave", FREE)}, 8).admitted(), "all 8 tokens are there");
  }

  @Test
  void whenTheCallerRefusesTheGlobalBucketIsOnlyRead() {
    BucketLimit tight = new BucketLimit(2, Rate.perHour(2));
    Charge[] charges = {caller("erin", FREE), callerTool("erin", "search", tight), global("search", FREE)};
    assertTrue(store.tryConsume(charges, 2).admitted());
    Balances refused = store.tryConsume(charges, 2);
    assertFalse(refused.admitted());
    assertEquals(0, tight.wholeTokens(refused.credit()[1]), "the bucket that lacked the cost");
    assertEquals(8, FREE.wholeTokens(refused.credit()[0]));
    assertEquals(FREE.credit(8), refused.credit()[2], "read for the headers");
    assertEquals(FREE.credit(8), store.peek(charges)[2], "the global bucket was not charged");
  }

  @Test
  void aRefundIsCappedAtTheBurst() {
    BucketLimit tightGlobal = new BucketLimit(1, Rate.perHour(1));
    Charge[] charges = {caller("frank", FREE), global("search", tightGlobal)};
    assertTrue(store.tryConsume(charges, 1).admitted());
    clock.advance(Duration.ofMinutes(10));
    // The caller is full again and is charged one token, then refunded: full, not one over.
    assertFalse(store.tryConsume(charges, 1).admitted());
    assertEquals(FREE.credit(10), store.peek(charges)[0]);
  }

  @Test
  void eightThreadsOnOneHotCallerAdmitExactlyTheBurst() throws Exception {
    // Frozen time: nothing refills while the threads race, so exactly the burst may pass.
    BucketLimit limit = new BucketLimit(500, Rate.perHour(500));
    assertEquals(500, race(new Charge[] {caller("hot", limit), global("search", new BucketLimit(600, Rate.perHour(600)))}));
    long[] held = store.peek(new Charge[] {caller("hot", limit), global("search", new BucketLimit(600, Rate.perHour(600)))});
    assertEquals(0, held[0]);
    assertEquals(100, new BucketLimit(600, Rate.perHour(600)).wholeTokens(held[1]),
        "calls the caller refused took nothing from the global bucket");
  }

  @Test
  void eightThreadsWhereTheGlobalBucketBindsAdmitExactlyItsBurstAndRefundTheRest() throws Exception {
    BucketLimit callerLimit = new BucketLimit(700, Rate.perHour(700));
    BucketLimit globalLimit = new BucketLimit(500, Rate.perHour(500));
    Charge[] charges = {caller("hot", callerLimit), global("search", globalLimit)};
    assertEquals(500, race(charges));
    long[] held = store.peek(charges);
    assertEquals(200, callerLimit.wholeTokens(held[0]), "every refused call was refunded to the caller");
    assertEquals(callerLimit.credit(200), held[0], "exactly");
    assertEquals(0, held[1]);
    assertEquals(0, store.failedRefunds());
  }

  private int race(Charge[] charges) throws Exception {
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
      return admitted;
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void resettingACallerIsOneDeleteAndLeavesTheGlobalBucket() {
    BucketLimit perTool = new BucketLimit(5, Rate.perMinute(5));
    Charge[] charges = {caller("grace", FREE), callerTool("grace", "search", perTool), global("search", FREE)};
    store.tryConsume(charges, 2);
    store.resetCaller("grace");
    long[] held = store.peek(charges);
    assertEquals(FREE.credit(10), held[0]);
    assertEquals(perTool.credit(5), held[1]);
    assertEquals(8, FREE.wholeTokens(held[2]), "the global bucket is everyone's: a reset leaves it");
  }

  @Test
  void aScriptFlushedOnOneNodeIsLoadedAgainThere() {
    BucketLimit perTool = new BucketLimit(5, Rate.perMinute(5));
    Charge[] charges = {caller("heidi", FREE), callerTool("heidi", "search", perTool), global("search", FREE)};
    assertTrue(store.tryConsume(charges, 1).admitted());
    try (Jedis owner = cluster.clientFor("mcp-rl:{tool:search}")) {
      owner.scriptFlush();
      assertFalse(owner.scriptExists(RedisScripts.sha()));
    }
    Balances next = store.tryConsume(charges, 1);
    assertTrue(next.admitted());
    assertEquals(List.of(8L, 3L, 8L), List.of(FREE.wholeTokens(next.credit()[0]), perTool.wholeTokens(next.credit()[1]),
        FREE.wholeTokens(next.credit()[2])));
    try (Jedis owner = cluster.clientFor("mcp-rl:{tool:search}")) {
      assertTrue(owner.scriptExists(RedisScripts.sha()));
      owner.scriptFlush();
    }
    try (Jedis owner = cluster.clientFor("mcp-rl:{caller:heidi}")) {
      owner.scriptFlush();
    }
    // The refund script too, on the caller's node.
    BucketLimit tightGlobal = new BucketLimit(1, Rate.perHour(1));
    Charge[] refused = {caller("heidi", FREE), global("other", tightGlobal)};
    assertTrue(store.tryConsume(refused, 1).admitted());
    try (Jedis owner = cluster.clientFor("mcp-rl:{caller:heidi}")) {
      owner.scriptFlush();
    }
    assertFalse(store.tryConsume(refused, 1).admitted());
    assertEquals(FREE.credit(7), store.peek(refused)[0], "refunded after the reload");
  }

  @Test
  void realRedisTimeWorksAcrossTheNodes() {
    RedisBucketStore live = open(null);
    Charge[] charges = {caller("ivan", FREE), global("search", FREE)};
    assertTrue(live.tryConsume(charges, 3).admitted());
    long[] held = live.peek(charges);
    assertEquals(7, FREE.wholeTokens(held[0]));
    assertEquals(7, FREE.wholeTokens(held[1]));
    live.ping();
  }

  @Test
  void aSeedThatDoesNotAnswerIsAJedisFailureWithinTheTimeoutNotAFailedStart() throws Exception {
    int dead;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      dead = socket.getLocalPort();
    }
    // Made without a round trip, as the host starts; the first call fails as an outage would.
    RedisBucketStore down = new RedisBucketStore(RedisSettings.local(dead).withCluster(true));
    opened.add(down);
    long start = System.nanoTime();
    org.junit.jupiter.api.Assertions.assertThrows(redis.clients.jedis.exceptions.JedisException.class,
        () -> down.tryConsume(new Charge[] {caller("kim", FREE)}, 1), "OutageGuard applies the outage rule to it");
    assertTrue(System.nanoTime() - start < 2_000_000_000L, "bounded by the timeout");
  }

  @Test
  void theClusterClientStartsNoThread() {
    Set<Thread> before = Thread.getAllStackTraces().keySet();
    RedisBucketStore live = open(null);
    live.tryConsume(new Charge[] {caller("judy", FREE), global("search", FREE)}, 1);
    live.peek(new Charge[] {caller("judy", FREE)});
    live.close();
    List<String> started = Thread.getAllStackTraces().keySet().stream()
        .filter(thread -> !before.contains(thread) && thread.isAlive()).map(Thread::getName).toList();
    assertEquals(List.of(), started, "no topology refresher, no evictor: nothing to stop at the host's exit");
  }
}
