package dev.mcpratelimit.store;

import dev.mcpratelimit.core.BucketLimit;

/**
 * One limit's credit units inside Redis, where time is whole microseconds (from {@code TIME}) and
 * every number is a Lua double, exact only below 2^53.
 *
 * <p>A bucket of {@code r} tokens per period of {@code P} µs gains {@code r/g} credit per
 * microsecond, and a token is {@code P/g} credit, with {@code g = gcd(r, P)}: no rounding ever. The
 * JVM side ({@link BucketLimit}) uses nanoseconds; its credit per token is an exact multiple of this
 * one ({@link #javaPerRedis}: {@code gcd(r, 1000 P)} divides {@code 1000 gcd(r, P)}), so a balance
 * read from Redis converts exactly by one multiplication.
 *
 * <p>The bound: the script stores a credit {@code c <= capacityCredit}, a timestamp (µs since 1970,
 * about 1.8e15, below 2^53 until the year 2255) and the unit; it computes {@code elapsed * perMicro}
 * only while that is below the missing credit, and rounds divisions up as
 * {@code floor((a + b - 1) / b)} with {@code a <= capacityCredit, b = perMicro}. So every number it
 * meets is at most {@code capacityCredit + perMicro}, which {@link #of} requires to be at most 2^53;
 * below 2^53 a double division's floor is the exact integer quotient.
 */
record RedisUnits(long capacity, long creditPerToken, long creditPerMicro, long javaPerRedis) {

  /** Lua's exact-integer limit. */
  static final long MAX_EXACT = 1L << 53;

  static RedisUnits of(BucketLimit limit) {
    long tokens = limit.rate().tokens();
    long periodMicros = limit.rate().periodNanos() / 1000; // rate units are seconds or longer
    long g = BucketLimit.gcd(tokens, periodMicros);
    long perToken = periodMicros / g;
    long perMicro = tokens / g;
    long capacityCredit;
    try {
      capacityCredit = Math.addExact(Math.multiplyExact(limit.capacity(), perToken), perMicro);
    } catch (ArithmeticException e) {
      capacityCredit = Long.MAX_VALUE;
    }
    if (capacityCredit > MAX_EXACT) {
      throw new IllegalArgumentException(limit + " is too large for store=redis (its credit would pass 2^53, "
          + "where Lua loses exactness); lower the burst or use a rate whose period divides more evenly");
    }
    return new RedisUnits(limit.capacity(), perToken, perMicro, limit.credit(1) / perToken);
  }

  /** A credit read from Redis, in the JVM's units of the same limit. */
  long toJava(long redisCredit) {
    return redisCredit * javaPerRedis;
  }
}
