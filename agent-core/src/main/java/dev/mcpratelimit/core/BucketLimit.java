package dev.mcpratelimit.core;

import java.util.concurrent.TimeUnit;

/**
 * The shape of one bucket: a capacity (burst) and a continuous refill rate.
 *
 * <p>Arithmetic is exact integer arithmetic in "credit" units: the bucket gains
 * {@link #creditPerNano} credit every nanosecond and one token is {@link #creditPerToken} credit.
 * Both come from the rate reduced by their greatest common divisor, so no rounding ever happens and
 * millions of calls cannot drift.
 */
public final class BucketLimit {

  private final long capacity;
  private final Rate rate;
  private final long creditPerNano;
  private final long creditPerToken;
  private final long capacityCredit;
  private final long fillNanos;

  public BucketLimit(long capacity, Rate rate) {
    if (capacity <= 0) {
      throw new IllegalArgumentException("burst must be positive: " + capacity);
    }
    long period = rate.periodNanos();
    long gcd = gcd(rate.tokens(), period);
    this.capacity = capacity;
    this.rate = rate;
    this.creditPerNano = rate.tokens() / gcd;
    this.creditPerToken = period / gcd;
    try {
      this.capacityCredit = Math.multiplyExact(capacity, creditPerToken);
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("burst " + capacity + " is too large for rate " + rate);
    }
    this.fillNanos = nanosToGain(capacityCredit);
  }

  /** A limit whose burst is one minute of its rate. */
  public static BucketLimit ofRate(Rate rate) {
    return new BucketLimit(rate.oneMinuteOfTokens(), rate);
  }

  public long capacity() {
    return capacity;
  }

  public Rate rate() {
    return rate;
  }

  long creditPerNano() {
    return creditPerNano;
  }

  long capacityCredit() {
    return capacityCredit;
  }

  /**
   * This limit with rate and burst multiplied by {@code factor}, each at least one token. The
   * rate is expressed per day so that factors like 0.25 of 10/min stay exact (3600/day = 2.5/min).
   */
  public BucketLimit scaled(double factor) {
    if (!(factor > 0) || Double.isInfinite(factor)) {
      throw new IllegalArgumentException("factor must be positive: " + factor);
    }
    long perDay = Math.max(1, Math.round(rate.tokens() * (double) (TimeUnit.DAYS.toNanos(1) / rate.periodNanos()) * factor));
    long burst = Math.max(1, Math.round(capacity * factor));
    return new BucketLimit(burst, new Rate(perDay, TimeUnit.DAYS));
  }

  /** Credit that {@code tokens} tokens are worth; callers guarantee {@code tokens <= capacity}. */
  public long credit(long tokens) {
    return tokens * creditPerToken;
  }

  /** Whole tokens in {@code credit}, rounded down (what a caller is told remains). */
  public long wholeTokens(long credit) {
    return credit / creditPerToken;
  }

  /** Nanoseconds until {@code credit} has grown by {@code missingCredit}, rounded up. */
  long nanosToGain(long missingCredit) {
    return missingCredit <= 0 ? 0 : -Math.floorDiv(-missingCredit, creditPerNano);
  }

  // What a bucket holding some credit means to a caller: every decision and status report reads a
  // bucket through wholeTokens and these two, so the arithmetic lives here once.

  /** Nanoseconds until a bucket holding {@code heldCredit} is full, rounded up. */
  public long nanosUntilFull(long heldCredit) {
    return nanosToGain(capacityCredit - heldCredit);
  }

  /** Nanoseconds until a bucket holding {@code heldCredit} holds {@code tokens}; zero if it does. */
  public long nanosUntilHolding(long heldCredit, long tokens) {
    return nanosToGain(credit(tokens) - heldCredit);
  }

  /** Nanoseconds an empty bucket needs to fill up (the policy window). */
  public long nanosToFillFromEmpty() {
    return fillNanos;
  }

  /** Credit after {@code elapsedNanos} of refill from {@code credit}, capped at capacity. */
  long refill(long credit, long elapsedNanos) {
    if (elapsedNanos <= 0) {
      return credit;
    }
    long missing = capacityCredit - credit;
    // Compare in time rather than credit so that a long idle period cannot overflow.
    return elapsedNanos >= nanosToGain(missing) ? capacityCredit : credit + elapsedNanos * creditPerNano;
  }

  /** The same fraction of a token's worth, expressed in this limit's units, capped at capacity. */
  public long convertFrom(BucketLimit other, long otherCredit) {
    if (other.creditPerToken == creditPerToken) {
      return Math.min(otherCredit, capacityCredit);
    }
    long tokens = otherCredit / other.creditPerToken;
    if (tokens >= capacity) {
      return capacityCredit;
    }
    long fraction = otherCredit % other.creditPerToken;
    // Only the sub-token fraction is scaled in floating point, once per configuration change.
    long scaledFraction = (long) ((double) fraction / other.creditPerToken * creditPerToken);
    return tokens * creditPerToken + Math.min(scaledFraction, creditPerToken - 1);
  }

  /** Greatest common divisor of two positive numbers. */
  public static long gcd(long a, long b) {
    while (b != 0) {
      long t = a % b;
      a = b;
      b = t;
    }
    return a;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BucketLimit other && capacity == other.capacity && rate.equals(other.rate);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(capacity) * 31 + rate.hashCode();
  }

  @Override
  public String toString() {
    return "burst " + capacity + " at " + rate;
  }
}
