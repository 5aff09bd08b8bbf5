package dev.mcpratelimit.store;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import dev.mcpratelimit.core.BucketKey;
import dev.mcpratelimit.core.BucketLimit;
import dev.mcpratelimit.core.BucketStore;
import dev.mcpratelimit.core.NanoClock;
import dev.mcpratelimit.core.Scope;
import dev.mcpratelimit.core.TokenBucket;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Buckets in this JVM's heap, in a bounded Caffeine cache.
 *
 * <p>A bucket expires only after it has been idle for as long as it takes to fill from empty, so
 * that expiry never forgives a debt: a bucket that comes back is indistinguishable from the one
 * that left. The size bound ({@code store.memory.max-buckets}) is a safety net against unbounded
 * growth; if it is ever reached Caffeine evicts by its own policy, and the buckets evicted while
 * not yet full are counted in {@link #forgivenEvictions()}.
 */
public final class InMemoryBucketStore implements BucketStore {

  private static final long COARSE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  private final NanoClock clock;
  private final Cache<Object, TokenBucket> buckets;
  private final LongAdder forgivenEvictions = new LongAdder();
  /**
   * The time Caffeine sees, advanced by decisions at most once a millisecond. Reading the real
   * clock on every cache read doubled the cost of a lookup; a time that lags by under a
   * millisecond only keeps an idle bucket that much longer, which is the safe direction.
   */
  private volatile long coarseNow;

  public InMemoryBucketStore(NanoClock clock, long maxBuckets) {
    // Maintenance on the calling thread: a hand-off to another pool cost more than the work.
    this(clock, maxBuckets, Runnable::run);
  }

  /** @param executor where Caffeine does its maintenance */
  InMemoryBucketStore(NanoClock clock, long maxBuckets, Executor executor) {
    this.clock = clock;
    this.coarseNow = clock.nanoTime();
    Caffeine<Object, TokenBucket> builder = Caffeine.newBuilder()
        .maximumSize(maxBuckets)
        .ticker(() -> coarseNow)
        .expireAfter(new UntilFull())
        .removalListener(this::onRemoval)
        .executor(executor);
    this.buckets = builder.build();
  }

  @Override
  public long[] tryConsume(Charge[] charges, long tokens) {
    long now = observe(clock.nanoTime());
    long[] balances = new long[charges.length];
    for (int i = 0; i < charges.length; i++) {
      BucketLimit limit = charges[i].limit();
      balances[i] = bucket(charges[i], now).tryConsume(limit, limit.credit(tokens), now);
      if (balances[i] < 0) {
        // Rare path: give back what the earlier buckets took, and report what the rest hold.
        for (int j = 0; j < i; j++) {
          BucketLimit undo = charges[j].limit();
          TokenBucket taken = bucket(charges[j], now);
          taken.refund(undo, undo.credit(tokens), now);
          balances[j] = taken.available(undo, now) - undo.credit(tokens);
        }
        for (int j = i + 1; j < charges.length; j++) {
          balances[j] = available(charges[j], now) - charges[j].limit().credit(tokens);
        }
        return balances;
      }
    }
    return balances;
  }

  @Override
  public long available(Charge charge) {
    return available(charge, clock.nanoTime());
  }

  private long available(Charge charge, long now) {
    // Quietly: looking neither creates a bucket nor extends its life. An untracked bucket is full.
    TokenBucket bucket = buckets.policy().getIfPresentQuietly(cacheKey(charge.key()));
    BucketLimit limit = charge.limit();
    return bucket == null ? limit.credit(limit.capacity()) : bucket.available(limit, now);
  }

  @Override
  public long size() {
    return buckets.estimatedSize();
  }

  @Override
  public void resetCaller(String caller) {
    buckets.invalidate(caller);
    buckets.asMap().keySet().removeIf(key -> key instanceof BucketKey bucketKey && bucketKey.caller().equals(caller));
  }

  /** Changes the size bound live (a reload of {@code store.memory.max-buckets}). */
  public void setMaxBuckets(long maxBuckets) {
    buckets.policy().eviction().ifPresent(eviction -> eviction.setMaximum(maxBuckets));
  }

  /** Buckets dropped by the size bound while they still owed tokens. */
  public long forgivenEvictions() {
    return forgivenEvictions.sum();
  }

  /** Runs pending expiry and eviction now (tests and metrics want an exact size). */
  public void cleanUp() {
    observe(clock.nanoTime());
    buckets.cleanUp();
  }

  private long observe(long now) {
    if (now - coarseNow >= COARSE_NANOS) {
      coarseNow = now;
    }
    return now;
  }

  private TokenBucket bucket(Charge charge, long now) {
    Object key = cacheKey(charge.key());
    TokenBucket found = buckets.getIfPresent(key);
    TokenBucket bucket = found != null ? found : buckets.get(key, k -> new TokenBucket(charge.limit(), now));
    if (bucket.limit() != charge.limit() && !bucket.limit().equals(charge.limit())) {
      // A reload changed this bucket's limit: its idle lifetime follows the new refill time.
      buckets.policy().expireVariably().ifPresent(expiry -> expiry.setExpiresAfter(
          key, Math.max(bucket.limit().nanosToFillFromEmpty(), charge.limit().nanosToFillFromEmpty()),
          TimeUnit.NANOSECONDS));
    }
    return bucket;
  }

  /**
   * The caller's tier bucket, by far the most common one, is keyed by the caller id alone: that
   * saves a key object (24 bytes) per caller. Other scopes keep their {@link BucketKey}.
   */
  private static Object cacheKey(BucketKey key) {
    return key.scope() == Scope.CALLER ? key.caller() : key;
  }

  private void onRemoval(Object key, TokenBucket bucket, RemovalCause cause) {
    if (cause == RemovalCause.SIZE && bucket != null) {
      BucketLimit limit = bucket.limit();
      if (bucket.available(limit, clock.nanoTime()) < limit.credit(limit.capacity())) {
        forgivenEvictions.increment();
      }
    }
  }

  /** Keeps a bucket until, untouched, it would have refilled from empty. */
  private static final class UntilFull implements Expiry<Object, TokenBucket> {

    @Override
    public long expireAfterCreate(Object key, TokenBucket bucket, long now) {
      return bucket.limit().nanosToFillFromEmpty();
    }

    @Override
    public long expireAfterUpdate(Object key, TokenBucket bucket, long now, long remaining) {
      return bucket.limit().nanosToFillFromEmpty();
    }

    @Override
    public long expireAfterRead(Object key, TokenBucket bucket, long now, long remaining) {
      return bucket.limit().nanosToFillFromEmpty();
    }
  }
}
