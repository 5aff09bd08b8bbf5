package dev.mcpratelimit.metrics;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.CompositeDataSupport;
import javax.management.openmbean.CompositeType;
import javax.management.openmbean.OpenDataException;
import javax.management.openmbean.OpenType;
import javax.management.openmbean.SimpleType;

/**
 * Round-trip times in fixed buckets, lock-free: one {@link LongAdder} per bucket, made cumulative
 * only when read, so recording costs an increment or two. The bounds, in seconds, are Prometheus
 * {@code le} values from 100 µs to 5 s (a timeout above 5 s lands in {@code +Inf}).
 */
public final class RoundTripHistogram {

  /** Upper bounds in microseconds. */
  static final long[] BOUNDS_MICROS = {100, 250, 500, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000, 250_000,
      500_000, 1_000_000, 2_500_000, 5_000_000};
  /** The bounds as {@code le} label values, the last {@code +Inf}: the CompositeData's item names. */
  static final String[] LE = {"0.0001", "0.00025", "0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05",
      "0.1", "0.25", "0.5", "1", "2.5", "5", "+Inf"};
  private static final CompositeType TYPE;

  static {
    String[] descriptions = new String[LE.length];
    OpenType<?>[] types = new OpenType<?>[LE.length];
    for (int i = 0; i < LE.length; i++) {
      descriptions[i] = i < BOUNDS_MICROS.length ? "round trips of at most " + LE[i] + " s" : "all round trips";
      types[i] = SimpleType.LONG;
    }
    try {
      TYPE = new CompositeType("RoundTripSecondsBuckets", "cumulative counts of round trips by upper bound in seconds",
          LE, descriptions, types);
    } catch (OpenDataException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final LongAdder[] buckets = new LongAdder[LE.length];
  private final LongAdder count = new LongAdder();
  private final LongAdder micros = new LongAdder();

  public RoundTripHistogram() {
    for (int i = 0; i < buckets.length; i++) {
      buckets[i] = new LongAdder();
    }
  }

  public void record(long nanos) {
    long us = TimeUnit.NANOSECONDS.toMicros(Math.max(0, nanos));
    int i = 0;
    while (i < BOUNDS_MICROS.length && us > BOUNDS_MICROS[i]) {
      i++;
    }
    buckets[i].increment();
    micros.add(us);
    count.increment();
  }

  public long count() {
    return count.sum();
  }

  public long microsSum() {
    return micros.sum();
  }

  /** Cumulative counts by {@link #LE}; read while recording goes on, a bucket may lag {@link #count()} by a few. */
  public long[] cumulative() {
    long[] counts = new long[buckets.length];
    long sum = 0;
    for (int i = 0; i < buckets.length; i++) {
      sum += buckets[i].sum();
      counts[i] = sum;
    }
    return counts;
  }

  public CompositeData toCompositeData() {
    long[] counts = cumulative();
    Object[] values = new Object[counts.length];
    for (int i = 0; i < counts.length; i++) {
      values[i] = counts[i];
    }
    try {
      return new CompositeDataSupport(TYPE, LE, values);
    } catch (OpenDataException e) {
      throw new IllegalStateException(e);
    }
  }
}
