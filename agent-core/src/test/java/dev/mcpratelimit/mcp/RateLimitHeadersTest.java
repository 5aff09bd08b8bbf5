package dev.mcpratelimit.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcpratelimit.config.HeaderSet;
import dev.mcpratelimit.core.BucketLimit;
import dev.mcpratelimit.core.Decision;
import dev.mcpratelimit.core.Outcome;
import dev.mcpratelimit.core.Rate;
import dev.mcpratelimit.core.Scope;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RateLimitHeadersTest {

  private static final BucketLimit FREE = new BucketLimit(10, Rate.perMinute(10));
  private static final long NOW = 1_795_752_990_250L; // epoch millis, a quarter second past
  private static final Decision ADMITTED = new Decision(Outcome.ALLOWED, "alice", "free", "get_track", 1, Scope.CALLER,
      FREE, 9, TimeUnit.SECONDS.toNanos(6), 0, null);
  private static final Decision REJECTED = new Decision(Outcome.REJECTED, "alice", "free", "get_track", 1, Scope.CALLER,
      FREE, 0, TimeUnit.MILLISECONDS.toNanos(59_500), TimeUnit.MILLISECONDS.toNanos(2_500), null);

  @Test
  void anAdmittedCallTellsLimitRemainingAndReset() {
    assertEquals(List.of(
        Map.entry("X-RateLimit-Limit", "10"),
        Map.entry("X-RateLimit-Remaining", "9"),
        Map.entry("X-RateLimit-Reset", "1795752997"),
        Map.entry("RateLimit-Policy", "\"free\";q=10;w=60"),
        Map.entry("RateLimit", "\"free\";r=9;t=6")), HeaderEntries.of(RateLimitHeaders.of(ADMITTED, NOW, HeaderSet.ALL)));
  }

  @Test
  void aRejectionAddsRetryAfter() {
    List<Map.Entry<String, String>> headers = HeaderEntries.of(RateLimitHeaders.of(REJECTED, NOW, HeaderSet.ALL));
    assertEquals(Map.entry("RateLimit", "\"free\";r=0;t=60"), headers.get(4));
    assertEquals(Map.entry("Retry-After", "3"), headers.get(5));
    assertEquals(Map.entry("X-RateLimit-Reset", "1795753050"), headers.get(2));
  }

  @Test
  void callsOfTiersAndLimitsInTurnEachGetTheirOwnLimitAndPolicy() {
    BucketLimit pro = new BucketLimit(100, Rate.perMinute(600));
    for (int round = 0; round < 2; round++) {
      for (String tier : List.of("free", "pro")) {
        for (BucketLimit limit : List.of(FREE, pro)) {
          Decision admitted = new Decision(Outcome.ALLOWED, "alice", tier, "get_track", 1, Scope.CALLER, limit, 5,
              TimeUnit.SECONDS.toNanos(1), 0, null);
          List<Map.Entry<String, String>> headers = HeaderEntries.of(RateLimitHeaders.of(admitted, NOW, HeaderSet.ALL));
          String burst = Long.toString(limit.capacity());
          assertEquals(Map.entry("X-RateLimit-Limit", burst), headers.get(0));
          assertEquals(Map.entry("RateLimit-Policy", "\"" + tier + "\";q=" + burst + ";w=" + (limit == FREE ? 60 : 10)),
              headers.get(3));
          assertEquals(Map.entry("RateLimit", "\"" + tier + "\";r=5;t=1"), headers.get(4));
        }
      }
    }
  }

  @Test
  void anUnlimitedCallHasNoHeaders() {
    Decision free = new Decision(Outcome.NOT_LIMITED, "alice", "free", "get_track", 0, null, null, 0, 0, 0, null);
    assertEquals(RateLimitHeaders.NONE, RateLimitHeaders.of(free, NOW, HeaderSet.ALL));
  }
  @Test
  void theXRateLimitSetIsTheTrioAlone() {
    assertEquals(List.of(
        Map.entry("X-RateLimit-Limit", "10"),
        Map.entry("X-RateLimit-Remaining", "9"),
        Map.entry("X-RateLimit-Reset", "1795752997")), HeaderEntries.of(RateLimitHeaders.of(ADMITTED, NOW, HeaderSet.X_RATELIMIT)));
    assertEquals(List.of(
        Map.entry("X-RateLimit-Limit", "10"),
        Map.entry("X-RateLimit-Remaining", "0"),
        Map.entry("X-RateLimit-Reset", "1795753050"),
        Map.entry("Retry-After", "3")), HeaderEntries.of(RateLimitHeaders.of(REJECTED, NOW, HeaderSet.X_RATELIMIT)));
  }

  @Test
  void theIetfSetIsPolicyAndRateLimitAlone() {
    assertEquals(List.of(
        Map.entry("RateLimit-Policy", "\"free\";q=10;w=60"),
        Map.entry("RateLimit", "\"free\";r=9;t=6")), HeaderEntries.of(RateLimitHeaders.of(ADMITTED, NOW, HeaderSet.IETF)));
    assertEquals(List.of(
        Map.entry("RateLimit-Policy", "\"free\";q=10;w=60"),
        Map.entry("RateLimit", "\"free\";r=0;t=60"),
        Map.entry("Retry-After", "3")), HeaderEntries.of(RateLimitHeaders.of(REJECTED, NOW, HeaderSet.IETF)));
  }

  @Test
  void noneLeavesAnAdmittedCallWithoutHeadersAndARejectionWithRetryAfterAlone() {
    RateLimitHeaders admitted = RateLimitHeaders.of(ADMITTED, NOW, HeaderSet.NONE);
    assertEquals(RateLimitHeaders.NONE, admitted);
    assertTrue(admitted.isEmpty());
    RateLimitHeaders rejected = RateLimitHeaders.of(REJECTED, NOW, HeaderSet.NONE);
    assertEquals(List.of(Map.entry("Retry-After", "3")), HeaderEntries.of(rejected));
    assertTrue(!rejected.isEmpty(), "a rejection's Retry-After is a header to send");
  }
}
