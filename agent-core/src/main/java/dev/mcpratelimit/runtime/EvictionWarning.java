package dev.mcpratelimit.runtime;

import dev.mcpratelimit.core.NanoClock;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Warns when the store's size bound forgives debts (buckets dropped while still owing tokens), at
 * most once a minute, with how many since the last warning: an operator should raise
 * {@code store.memory.max-buckets}, and a flood of new callers must not flood the log.
 */
final class EvictionWarning {

  static final long INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

  private final NanoClock clock;
  private final LongSupplier forgiven;
  private final LongSupplier maxBuckets;
  private final Consumer<String> log;
  private long reported;
  private long lastWarningNanos;
  private boolean warnedOnce;

  /**
   * @param forgiven the store's count of forgiven debts so far
   * @param maxBuckets the bound in force
   */
  EvictionWarning(NanoClock clock, LongSupplier forgiven, LongSupplier maxBuckets, Consumer<String> log) {
    this.clock = clock;
    this.forgiven = forgiven;
    this.maxBuckets = maxBuckets;
    this.log = log;
  }

  /** Called periodically (every second, from housekeeping). */
  void check() {
    long now = clock.nanoTime();
    long total = forgiven.getAsLong();
    if (total == reported || (warnedOnce && now - lastWarningNanos < INTERVAL_NANOS)) {
      return;
    }
    log.accept("store.memory.max-buckets (" + maxBuckets.getAsLong() + ") reached: " + (total - reported)
        + " buckets were dropped while still owing tokens, so those callers' debts were forgiven;"
        + " raise store.memory.max-buckets (about 180 bytes per bucket)");
    reported = total;
    lastWarningNanos = now;
    warnedOnce = true;
  }
}
