package dev.mcpratelimit.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcpratelimit.core.BucketLimit;
import dev.mcpratelimit.core.Decision;
import dev.mcpratelimit.core.Outcome;
import dev.mcpratelimit.core.Rate;
import dev.mcpratelimit.core.Scope;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RejectionTest {

  @Test
  void carriesTheJsonRpcCodeAMessageAndTheDataAClientActsOn() {
    Decision decision = new Decision(Outcome.REJECTED, "alice", "free", "search_tracks", 1, Scope.CALLER_TOOL,
        new BucketLimit(5, Rate.perMinute(5)), 0, TimeUnit.SECONDS.toNanos(60), TimeUnit.MILLISECONDS.toNanos(11_500), null);
    Rejection rejection = Rejection.of(decision);
    assertEquals(-32000, rejection.code());
    assertTrue(rejection.message().startsWith("Rate limit exceeded"), rejection.message());
    assertEquals(List.of("retryAfterSeconds", "limit", "remaining", "tier", "tool", "scope"),
        List.copyOf(rejection.data().keySet()));
    assertEquals(12L, rejection.data().get("retryAfterSeconds"));
    assertEquals(5L, rejection.data().get("limit"));
    assertEquals(0L, rejection.data().get("remaining"));
    assertEquals("free", rejection.data().get("tier"));
    assertEquals("search_tracks", rejection.data().get("tool"));
    assertEquals("caller-tool", rejection.data().get("scope"));
  }
}
