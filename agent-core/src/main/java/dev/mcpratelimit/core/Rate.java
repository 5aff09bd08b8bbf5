package dev.mcpratelimit.core;

import java.util.concurrent.TimeUnit;

/** A sustained rate: {@code tokens} per one {@code unit}, e.g. 10/min. */
public record Rate(long tokens, TimeUnit unit) {

  private static final long MINUTE_NANOS = TimeUnit.MINUTES.toNanos(1);

  public Rate {
    if (tokens <= 0) {
      throw new IllegalArgumentException("rate must be positive: " + tokens);
    }
    if (unit.compareTo(TimeUnit.SECONDS) < 0) {
      throw new IllegalArgumentException("rate unit must be seconds or longer: " + unit);
    }
  }

  public static Rate perSecond(long tokens) {
    return new Rate(tokens, TimeUnit.SECONDS);
  }

  public static Rate perMinute(long tokens) {
    return new Rate(tokens, TimeUnit.MINUTES);
  }

  public static Rate perHour(long tokens) {
    return new Rate(tokens, TimeUnit.HOURS);
  }

  public long periodNanos() {
    return unit.toNanos(1);
  }

  /** The default burst: one minute of this rate, rounded up, at least one token. */
  public long oneMinuteOfTokens() {
    long period = periodNanos();
    if (period <= MINUTE_NANOS) {
      return Math.multiplyExact(tokens, MINUTE_NANOS / period);
    }
    long scaled = Math.multiplyExact(tokens, MINUTE_NANOS);
    return Math.max(1, -Math.floorDiv(-scaled, period));
  }

  @Override
  public String toString() {
    return tokens + "/" + switch (unit) {
      case SECONDS -> "s";
      case MINUTES -> "min";
      case HOURS -> "h";
      default -> "day";
    };
  }
}
