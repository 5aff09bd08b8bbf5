package dev.mcpratelimit.benchmarks;

import dev.mcpratelimit.core.BucketLimit;
import dev.mcpratelimit.core.Decision;
import dev.mcpratelimit.core.NanoClock;
import dev.mcpratelimit.core.Policy;
import dev.mcpratelimit.core.Rate;
import dev.mcpratelimit.core.RateLimiter;
import dev.mcpratelimit.core.ToolPolicy;
import dev.mcpratelimit.store.InMemoryBucketStore;
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

  @State(Scope.Thread)
  public static class Cursor {
    int next = (int) (Thread.currentThread().getId() * 7919);
  }

  @Setup
  public void setUp() {
    ToolPolicy search = new ToolPolicy("search_tracks", 1, Map.of("premium", PLENTY), null);
    Policy policy = new Policy(Map.of("premium", PLENTY), "premium", Map.of("search_tracks", search),
        dev.mcpratelimit.core.Mode.ENFORCE);
    limiter = new RateLimiter(new InMemoryBucketStore(NanoClock.system(), 1_000_000), policy);
    callers = new String[CALLERS];
    for (int i = 0; i < CALLERS; i++) {
      callers[i] = "caller-" + i;
      limiter.decide(callers[i], "premium", "search_tracks");
    }
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
