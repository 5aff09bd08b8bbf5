package dev.mcpratelimit.core;

import java.util.concurrent.TimeUnit;

/** Durations shown to people are whole seconds, rounded up: never earlier than the truth. */
public final class Nanos {

  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

  private Nanos() {}

  public static long ceilSeconds(long nanos) {
    return -Math.floorDiv(-nanos, SECOND);
  }
}
