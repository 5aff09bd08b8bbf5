package dev.mcpratelimit.mcp;

import dev.mcpratelimit.config.HeaderSet;
import dev.mcpratelimit.core.BucketLimit;
import dev.mcpratelimit.core.Decision;
import dev.mcpratelimit.core.Nanos;
import dev.mcpratelimit.core.Outcome;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP headers of a {@code tools/call} response, from the decision that admitted or rejected
 * it: the de-facto {@code X-RateLimit-*} trio and the IETF draft's {@code RateLimit} and
 * {@code RateLimit-Policy}, all about the binding bucket, as many of them as the configuration's
 * {@link HeaderSet} names. Values only, {@code null} for a header not sent; {@link #writeTo} names them.
 *
 * @param retryAfter the {@code Retry-After} value, {@code null} unless the call was rejected
 */
public record RateLimitHeaders(String limit, String remaining, String reset, String policy, String rateLimit,
    String retryAfter) {

  /** No headers: an unlimited call, a refusal that is not a rate limit, or stdio. */
  public static final RateLimitHeaders NONE = new RateLimitHeaders(null, null, null, null, null, null);

  /** Where headers go (the HTTP response). */
  @FunctionalInterface
  public interface Sink {
    void add(String name, String value) throws Throwable;
  }

  /**
   * @param epochMillis the wall-clock time of the decision, for {@code X-RateLimit-Reset}
   * @param set the headers to send (a rejection's {@code Retry-After} is sent whatever the set)
   */
  public static RateLimitHeaders of(Decision decision, long epochMillis, HeaderSet set) {
    if (decision.limit() == null) {
      return NONE; // no bucket decided it: not limited, or a tool the tier may never call
    }
    String retryAfter = decision.outcome() == Outcome.REJECTED ? Long.toString(decision.retryAfterSeconds()) : null;
    if (set == HeaderSet.NONE) {
      return retryAfter == null ? NONE : new RateLimitHeaders(null, null, null, null, null, retryAfter);
    }
    Fixed fixed = fixed(decision.tier(), decision.limit());
    String remaining = Long.toString(decision.remaining());
    boolean x = set.xRateLimit();
    boolean ietf = set.ietf();
    return new RateLimitHeaders(x ? fixed.burst : null, x ? remaining : null,
        x ? Long.toString(epochSecondsAfter(epochMillis, decision.nanosUntilFull())) : null,
        ietf ? fixed.policy : null,
        ietf ? fixed.quotedTier + ";r=" + remaining + ";t=" + decision.secondsUntilFull() : null,
        retryAfter);
  }

  /** Whether there is no header to send. */
  public boolean isEmpty() {
    return limit == null && policy == null && retryAfter == null;
  }

  /** The values that depend only on the tier and its limit, made once, not on every call. */
  private record Fixed(String tier, BucketLimit limit, String burst, String policy, String quotedTier) {}

  /**
   * Recent tiers' and limits' values, by a hash of both: a few slots suffice, as limits come from
   * the configuration. A slot is replaced when another tier or limit lands on it, and records are
   * immutable, so a racing write only makes the values twice.
   */
  private static final Fixed[] FIXED = new Fixed[32];

  private static Fixed fixed(String tier, BucketLimit limit) {
    int slot = (System.identityHashCode(limit) * 31 + tier.hashCode()) & (FIXED.length - 1);
    Fixed cached = FIXED[slot];
    if (cached != null && cached.limit == limit && cached.tier.equals(tier)) {
      return cached;
    }
    String burst = Long.toString(limit.capacity());
    String quotedTier = "\"" + tier + "\"";
    String policy = quotedTier + ";q=" + burst + ";w=" + Nanos.ceilSeconds(limit.nanosToFillFromEmpty());
    Fixed made = new Fixed(tier, limit, burst, policy, quotedTier);
    FIXED[slot] = made;
    return made;
  }

  /** Adds the headers to {@code sink} in a stable order; none for {@link #NONE}. */
  public void writeTo(Sink sink) throws Throwable {
    add(sink, "X-RateLimit-Limit", limit);
    add(sink, "X-RateLimit-Remaining", remaining);
    add(sink, "X-RateLimit-Reset", reset);
    add(sink, "RateLimit-Policy", policy);
    add(sink, "RateLimit", rateLimit);
    add(sink, "Retry-After", retryAfter);
  }

  private static void add(Sink sink, String name, String value) throws Throwable {
    if (value != null) {
      sink.add(name, value);
    }
  }

  /** Whole Unix seconds, rounded up, at which {@code nanos} from {@code epochMillis} have passed. */
  static long epochSecondsAfter(long epochMillis, long nanos) {
    long millis = epochMillis + -Math.floorDiv(-nanos, TimeUnit.MILLISECONDS.toNanos(1));
    return -Math.floorDiv(-millis, 1000L);
  }
}
