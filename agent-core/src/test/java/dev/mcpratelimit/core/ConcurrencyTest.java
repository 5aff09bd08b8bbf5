package dev.mcpratelimit.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mcpratelimit.store.InMemoryBucketStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** With the clock frozen no token is earned, so exactly the capacity may be admitted, never more. */
class ConcurrencyTest {

  private static final int THREADS = 8;
  private static final int ROUNDS = 200;

  private final ExecutorService pool = Executors.newFixedThreadPool(THREADS);

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  /** Runs {@code attempt} {@code perThread} times on each of 8 threads released together; returns successes. */
  private int race(int perThread, Callable<Boolean> attempt) throws Exception {
    CyclicBarrier start = new CyclicBarrier(THREADS);
    List<Future<Integer>> results = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      results.add(pool.submit(() -> {
        start.await();
        int admitted = 0;
        for (int i = 0; i < perThread; i++) {
          if (attempt.call()) {
            admitted++;
          }
        }
        return admitted;
      }));
    }
    int total = 0;
    for (Future<Integer> result : results) {
      total += result.get();
    }
    return total;
  }

  @Test
  void eightThreadsOnOneBucketAdmitExactlyItsCapacity() throws Exception {
    FakeClock frozen = new FakeClock();
    BucketLimit limit = new BucketLimit(500, Rate.perMinute(500));
    for (int round = 0; round < ROUNDS; round++) {
      TokenBucket bucket = new TokenBucket(limit, frozen.nanoTime());
      int cost = 1 + round % 3;
      int admitted = race(100, () -> bucket.tryConsume(limit, limit.credit(cost), frozen.nanoTime()) >= 0);
      assertEquals(500 / cost, admitted, "round " + round);
      assertEquals(500 % cost, limit.wholeTokens(bucket.available(limit, frozen.nanoTime())));
    }
  }

  @Test
  void eightThreadsOnADecisionSpanningThreeBucketsAdmitExactlyTheSmallest() throws Exception {
    FakeClock frozen = new FakeClock();
    ToolPolicy search = new ToolPolicy("search_tracks", 1,
        Map.of("premium", new BucketLimit(60, Rate.perMinute(60))), new BucketLimit(80, Rate.perMinute(80)));
    Policy policy = RateLimiterTest.policy(Mode.ENFORCE, search);
    for (int round = 0; round < ROUNDS; round++) {
      InMemoryBucketStore store = new InMemoryBucketStore(frozen, 1000);
      RateLimiter limiter = new RateLimiter(store, policy);
      int admitted = race(40, () -> limiter.decide("alice", "premium", "search_tracks").admitted());
      assertEquals(60, admitted, "round " + round);
      // No bucket was charged for a rejected call: each holds its burst minus exactly the admissions.
      assertEquals(300 - 60, wholeTokens(store, BucketKey.caller("alice"), policy.tiers().get("premium")));
      assertEquals(0, wholeTokens(store, BucketKey.callerTool("alice", "search_tracks"), search.tierLimits().get("premium")));
      assertEquals(80 - 60, wholeTokens(store, BucketKey.toolGlobal("search_tracks"), search.global()));
    }
  }

  private static long wholeTokens(BucketStore store, BucketKey key, BucketLimit limit) {
    return limit.wholeTokens(store.peek(new BucketStore.Charge[] {new BucketStore.Charge(key, limit)})[0]);
  }
}
