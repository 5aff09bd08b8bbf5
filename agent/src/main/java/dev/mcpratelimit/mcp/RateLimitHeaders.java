package dev.mcpratelimit.mcp;

import dev.mcpratelimit.core.Decision;
import dev.mcpratelimit.core.Nanos;
import dev.mcpratelimit.core.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP headers of a {@code tools/call} response, from the decision that admitted or rejected
 * it: the de-facto {@code X-RateLimit-*} trio and the IETF draft's {@code RateLimit} and
 * {@code RateLimit-Policy}, all about the binding bucket.
 */
public final class RateLimitHeaders {

  private RateLimitHeaders() {}

  /**
   * @param epochMillis the wall-clock time of the decision, for {@code X-RateLimit-Reset}
   * @return header names and values in a stable order; none for an unlimited call
   */
  public static List<Map.Entry<String, String>> of(Decision decision, long epochMillis) {
    List<Map.Entry<String, String>> headers = new ArrayList<>(6);
    if (decision.outcome() == Outcome.NOT_LIMITED) {
      return headers;
    }
    long burst = decision.limit().capacity();
    String policy = "\"" + decision.tier() + "\"";
    headers.add(Map.entry("X-RateLimit-Limit", Long.toString(burst)));
    headers.add(Map.entry("X-RateLimit-Remaining", Long.toString(decision.remaining())));
    headers.add(Map.entry("X-RateLimit-Reset", Long.toString(epochSecondsAfter(epochMillis, decision.nanosUntilFull()))));
    headers.add(Map.entry("RateLimit-Policy",
        policy + ";q=" + burst + ";w=" + Nanos.ceilSeconds(decision.limit().nanosToFillFromEmpty())));
    headers.add(Map.entry("RateLimit", policy + ";r=" + decision.remaining() + ";t=" + decision.secondsUntilFull()));
    if (decision.outcome() == Outcome.REJECTED) {
      headers.add(Map.entry("Retry-After", Long.toString(decision.retryAfterSeconds())));
    }
    return headers;
  }

  /** Whole Unix seconds, rounded up, at which {@code nanos} from {@code epochMillis} have passed. */
  static long epochSecondsAfter(long epochMillis, long nanos) {
    long millis = epochMillis + -Math.floorDiv(-nanos, TimeUnit.MILLISECONDS.toNanos(1));
    return -Math.floorDiv(-millis, 1000L);
  }
}
