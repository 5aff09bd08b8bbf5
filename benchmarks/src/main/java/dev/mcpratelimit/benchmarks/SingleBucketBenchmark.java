package dev.mcpratelimit.benchmarks;

import com.google.common.util.concurrent.RateLimiter;
import dev.mcpratelimit.core.BucketLimit;
import dev.mcpratelimit.core.NanoClock;
import dev.mcpratelimit.core.Rate;
import dev.mcpratelimit.core.TokenBucket;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.local.SynchronizationStrategy;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One shared bucket, try-consume one token, for each limiter. Every limiter is sized so that it
 * never runs dry: this measures the admit path, which is the one every legitimate call takes.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SingleBucketBenchmark {

  private static final long PLENTY = 1_000_000_000_000L;

  private final NanoClock clock = NanoClock.system();
  private BucketLimit ourLimit;
  private long oneToken;
  private TokenBucket ours;
  private Bucket bucket4j;
  private AtomicRateLimiter resilience4j;
  private RateLimiter guava;

  @Setup
  public void setUp() {
    ourLimit = new BucketLimit(PLENTY, Rate.perSecond(1_000_000_000L));
    oneToken = ourLimit.credit(1);
    ours = new TokenBucket(ourLimit, clock.nanoTime());
    bucket4j = Bucket.builder()
        .addLimit(limit -> limit.capacity(PLENTY).refillGreedy(1_000_000_000L, Duration.ofSeconds(1)))
        .withNanosecondPrecision()
        .withSynchronizationStrategy(SynchronizationStrategy.LOCK_FREE)
        .build();
    resilience4j = new AtomicRateLimiter("bench", RateLimiterConfig.custom()
        .limitForPeriod(Integer.MAX_VALUE)
        .limitRefreshPeriod(Duration.ofMillis(1))
        .timeoutDuration(Duration.ZERO)
        .build());
    guava = RateLimiter.create(1e12);
  }

  @Benchmark
  public long ours() {
    return ours.tryConsume(ourLimit, oneToken, clock.nanoTime());
  }

  @Benchmark
  public boolean bucket4j() {
    return bucket4j.tryConsume(1);
  }

  @Benchmark
  public boolean resilience4j() {
    return resilience4j.acquirePermission();
  }

  @Benchmark
  public boolean guava() {
    return guava.tryAcquire();
  }
}
