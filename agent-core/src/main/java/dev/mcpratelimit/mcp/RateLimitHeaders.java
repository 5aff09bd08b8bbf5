package dev.mcpratelimit.mcp;

import dev.mcpratelimit.core.Decision;
import dev.mcpratelimit.core.Nanos;
import dev.mcpratelimit.core.Outcome;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP headers of a {@code tools/call} response, from the decision that admitted or rejected
 * it: the de-facto {@code X-RateLimit-*} trio and the IETF draft's {@code RateLimit} and
 * {@code RateLimit-Policy}, all about the binding bucket. Values only; {@link #writeTo} names them.
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

  /** @param epochMillis the wall-clock time of the decision, for {@code X-RateLimit-Reset} */
  public static RateLimitHeaders of(Decision decision, long epochMillis) {
    if (decision.limit() == null) {
      return NONE; // no bucket decided it: not limited, or a tool the tier may never call
    }
    String burst = Long.toString(decision.limit().capacity());
    String remaining = Long.toString(decision.remaining());
    String tier = "\"" + decision.tier() + "\"";
    return new RateLimitHeaders(burst, remaining,
        Long.toString(epochSecondsAfter(epochMillis, decision.nanosUntilFull())),
        tier + ";q=" + burst + ";w=" + Nanos.ceilSeconds(decision.limit().nanosToFillFromEmpty()),
        tier + ";r=" + remaining + ";t=" + decision.secondsUntilFull(),
        decision.outcome() == Outcome.REJECTED ? Long.toString(decision.retryAfterSeconds()) : null);
  }

  /** Adds the headers to {@code sink} in a stable order; none for {@link #NONE}. */
  public void writeTo(Sink sink) throws Throwable {
    if (limit == null) {
      return;
    }
    sink.add("X-RateLimit-Limit", limit);
    sink.add("X-RateLimit-Remaining", remaining);
    sink.add("X-RateLimit-Reset", reset);
    sink.add("RateLimit-Policy", policy);
    sink.add("RateLimit", rateLimit);
    if (retryAfter != null) {
      sink.add("Retry-After", retryAfter);
    }
  }

  /** Whole Unix seconds, rounded up, at which {@code nanos} from {@code epochMillis} have passed. */
  static long epochSecondsAfter(long epochMillis, long nanos) {
    long millis = epochMillis + -Math.floorDiv(-nanos, TimeUnit.MILLISECONDS.toNanos(1));
    return -Math.floorDiv(-millis, 1000L);
  }
}
