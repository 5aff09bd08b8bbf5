package dev.mcpratelimit.store;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import dev.mcpratelimit.core.BucketKey;
import dev.mcpratelimit.core.BucketLimit;
import dev.mcpratelimit.core.BucketStore;
import dev.mcpratelimit.core.NanoClock;
import dev.mcpratelimit.core.Scope;
import dev.mcpratelimit.core.TokenBucket;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.LongAdder;

/**
 * Buckets in this JVM's heap, in a bounded Caffeine cache.
 *
 * <p>Idle buckets are forgotten by {@link #sweep}, which drops only buckets that are full again,
 * so forgetting never forgives a debt: a bucket that comes back starts full, as the old one was.
 * A bucket is retired before it is removed, so a charge racing the sweep goes to its successor
 * rather than being lost. (Caffeine's own expiry would do the same job at a cost on every read.)
 * The size bound ({@code store.memory.max-buckets}) is a safety net against unbounded growth; if
 * it is ever reached Caffeine evicts by its own policy, and the buckets evicted while not yet full
 * are counted in {@link #forgivenEvictions()}.
 */
public final class InMemoryBucketStore implements BucketStore, BucketAdmin {

  private final NanoClock clock;
  private final Cache<Object, TokenBucket> buckets;
  private final LongAdder forgivenEvictions = new LongAdder();

  public InMemoryBucketStore(NanoClock clock, long maxBuckets) {
    // Maintenance on the calling thread: a hand-off to another pool cost more than the work.
    this(clock, maxBuckets, Runnable::run);
  }

  /** @param executor where Caffeine does its maintenance */
  InMemoryBucketStore(NanoClock clock, long maxBuckets, Executor executor) {
    this.clock = clock;
    this.buckets = Caffeine.newBuilder()
        .maximumSize(maxBuckets)
        .removalListener(this::onRemoval)
        .executor(executor)
        .build();
  }

  @Override
  public Balances tryConsume(Charge[] charges, long tokens) {
    long now = clock.nanoTime();
    long[] held = new long[charges.length];
    for (int i = 0; i < charges.length; i++) {
      long balance = consume(charges[i], tokens, now);
      if (balance < 0) {
        // Rare path: give back what the earlier buckets took, and report what each holds now.
        for (int j = 0; j < i; j++) {
          BucketLimit undo = charges[j].limit();
          TokenBucket taken = bucket(charges[j], now);
          taken.refund(undo, undo.credit(tokens), now);
          held[j] = taken.available(undo, now);
        }
        held[i] = balance + charges[i].limit().credit(tokens);
        for (int j = i + 1; j < charges.length; j++) {
          held[j] = available(charges[j], now);
        }
        return new Balances(false, held);
      }
      held[i] = balance;
    }
    return new Balances(true, held);
  }

  private long consume(Charge charge, long tokens, long now) {
    BucketLimit limit = charge.limit();
    while (true) {
      TokenBucket bucket = bucket(charge, now);
      long balance = bucket.tryConsume(limit, limit.credit(tokens), now);
      if (balance != TokenBucket.RETIRED) {
        return balance;
      }
      buckets.asMap().remove(cacheKey(charge.key()), bucket); // the sweep got there first
    }
  }

  @Override
  public long[] peek(Charge[] charges) {
    long now = clock.nanoTime();
    long[] held = new long[charges.length];
    for (int i = 0; i < charges.length; i++) {
      held[i] = available(charges[i], now);
    }
    return held;
  }

  private long available(Charge charge, long now) {
    // Quietly: looking neither creates a bucket nor counts as use. An untracked bucket is full.
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

  /**
   * Forgets every bucket that is full again. Runs over the whole store (the agent calls it every
   * few seconds on its maintenance thread), never on a call's path.
   *
   * @return how many buckets were forgotten
   */
  public int sweep() {
    long now = clock.nanoTime();
    int[] forgotten = {0};
    buckets.asMap().forEach((key, bucket) -> {
      if (bucket.retireIfFull(now) && buckets.asMap().remove(key, bucket)) {
        forgotten[0]++;
      }
    });
    return forgotten[0];
  }

  /** Changes the size bound live (a reload of {@code store.memory.max-buckets}). */
  public void setMaxBuckets(long maxBuckets) {
    buckets.policy().eviction().ifPresent(eviction -> eviction.setMaximum(maxBuckets));
  }

  @Override
  public long forgivenEvictions() {
    return forgivenEvictions.sum();
  }

  /** Sweeps and runs Caffeine's pending maintenance now (tests and measurements want an exact size). */
  public void cleanUp() {
    sweep();
    buckets.cleanUp();
  }

  private TokenBucket bucket(Charge charge, long now) {
    Object key = cacheKey(charge.key());
    TokenBucket found = buckets.getIfPresent(key);
    return found != null ? found : buckets.get(key, k -> new TokenBucket(charge.limit(), now));
  }

  /**
   * The caller's tier bucket, by far the most common one, is keyed by the caller id alone: that
   * saves a key object (24 bytes) per caller. Other scopes keep their {@link BucketKey}.
   */
  private static Object cacheKey(BucketKey key) {
    return key.scope() == Scope.CALLER ? key.caller() : key;
  }

  private void onRemoval(Object key, TokenBucket bucket, RemovalCause cause) {
    if (cause == RemovalCause.SIZE && bucket != null && !bucket.isFull(clock.nanoTime())) {
      forgivenEvictions.increment();
    }
  }
}
