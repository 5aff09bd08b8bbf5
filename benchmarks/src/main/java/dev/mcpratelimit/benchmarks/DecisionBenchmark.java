package dev.mcpratelimit.benchmarks;

import dev.mcpratelimit.core.BucketLimit;
import dev.mcpratelimit.core.Decision;
import dev.mcpratelimit.core.NanoClock;
import dev.mcpratelimit.core.Policy;
import dev.mcpratelimit.core.Rate;
import dev.mcpratelimit.core.RateLimiter;
import dev.mcpratelimit.core.ToolPolicy;
import dev.mcpratelimit.store.InMemoryBucketStore;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bucket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The agent's whole decision for one call: the caller's tier bucket plus the caller's bucket for
 * the tool, found among 100,000 tracked callers (200,000 buckets), in the in-memory store. The
 * limits are large enough that every call is admitted: the path a legitimate call takes.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DecisionBenchmark {

  static final int CALLERS = 100_000;
  private static final BucketLimit PLENTY = new BucketLimit(1_000_000_000_000L, Rate.perSecond(1_000_000_000L));

  private RateLimiter limiter;
  private String[] callers;
  private Cache<String, Bucket> bucket4jBuckets;
  private String[] callerToolKeys;

  @State(Scope.Thread)
  public static class Cursor {
    int next = (int) (Thread.currentThread().getId() * 7919);
  }

  @Setup
  public void setUp() {
    ToolPolicy search = new ToolPolicy("search_tracks", 1, Map.of("premium", PLENTY), null);
    Policy policy = new Policy(Map.of("premium", PLENTY), "premium", Map.of("search_tracks", search),
        dev.mcpratelimit.core.Mode.ENFORCE);
    InMemoryBucketStore store = new InMemoryBucketStore(NanoClock.system(), 1_000_000);
    limiter = new RateLimiter(store, policy);
    callers = new String[CALLERS];
    callerToolKeys = new String[CALLERS];
    bucket4jBuckets = Caffeine.newBuilder().maximumSize(1_000_000).expireAfterAccess(Duration.ofHours(1))
        .executor(Runnable::run).build();
    for (int i = 0; i < CALLERS; i++) {
      callers[i] = "caller-" + i;
      callerToolKeys[i] = callers[i] + "|search_tracks";
      limiter.decide(callers[i], "premium", "search_tracks");
      bucket4jBuckets.put(callers[i], bucket4j());
      bucket4jBuckets.put(callerToolKeys[i], bucket4j());
    }
    // Settle both caches' pending maintenance here, not in the first measured iterations.
    store.cleanUp();
    bucket4jBuckets.cleanUp();
  }

  private static Bucket bucket4j() {
    return Bucket.builder()
        .addLimit(limit -> limit.capacity(PLENTY.capacity()).refillGreedy(1_000_000_000L, Duration.ofSeconds(1)))
        .withNanosecondPrecision()
        .build();
  }

  /**
   * For comparison, the same two buckets built from Bucket4j, kept in a bounded Caffeine cache as
   * one would to limit many callers with it (without all-or-nothing charging across the two).
   */
  @Benchmark
  public boolean bucket4jTwoBucketsInCaffeineOneCaller() {
    int i = CALLERS / 2;
    return bucket4jBuckets.getIfPresent(callers[i]).tryConsume(1)
        & bucket4jBuckets.getIfPresent(callerToolKeys[i]).tryConsume(1);
  }

  /** Callers in turn across the whole table: most lookups miss the CPU caches (the worst case). */
  @Benchmark
  public Decision spreadOver100kCallers(Cursor cursor) {
    cursor.next = (cursor.next + 7919) % CALLERS;
    return limiter.decide(callers[cursor.next], "premium", "search_tracks");
  }

  /** One busy caller among the 100,000 tracked ones (shared by all threads, like the single bucket). */
  @Benchmark
  public Decision oneCallerAmong100kCallers() {
    return limiter.decide(callers[CALLERS / 2], "premium", "search_tracks");
  }
}
