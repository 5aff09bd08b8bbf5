package dev.mcpratelimit.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mcpratelimit.core.BucketLimit;
import dev.mcpratelimit.core.Decision;
import dev.mcpratelimit.core.Outcome;
import dev.mcpratelimit.core.Rate;
import dev.mcpratelimit.core.Scope;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class UsageCountersTest {

  private static Decision decision(Outcome outcome, String tool, long cost) {
    return new Decision(outcome, "alice", "premium", tool, cost, Scope.CALLER, new BucketLimit(10, Rate.perMinute(10)),
        0, 0, 0, null);
  }

  private final List<String> published = new ArrayList<>();
  private final UsageCounters counters = new UsageCounters((tier, tool, usage) -> published.add(tier + "/" + tool));

  @Test
  void countsOutcomesAndTokensPerTierAndTool() {
    counters.observe(decision(Outcome.ALLOWED, "recommend_tracks", 5));
    counters.observe(decision(Outcome.ALLOWED, "recommend_tracks", 5));
    counters.observe(decision(Outcome.REJECTED, "recommend_tracks", 5));
    counters.observe(decision(Outcome.SHADOW_REJECTED, "recommend_tracks", 5));
    counters.observe(decision(Outcome.NOT_LIMITED, "recommend_tracks", 0));
    counters.observe(decision(Outcome.UNAVAILABLE, "recommend_tracks", 5));
    UsageCounters.Usage usage = counters.usage("premium", "recommend_tracks");
    assertEquals(2, usage.allowed());
    assertEquals(1, usage.rejected());
    assertEquals(1, usage.shadowRejected());
    assertEquals(1, usage.unavailable());
    assertEquals(10, usage.tokensConsumed(), "only admitted calls consume tokens");
    assertEquals(new UsageCounters.Totals(2, 1, 1, 10), counters.totals());
    assertEquals(List.of("premium/recommend_tracks"), published, "published once");
  }

  @Test
  void inventedToolNamesCannotGrowTheCountersWithoutBound() {
    for (int i = 0; i < 1000; i++) {
      counters.observe(decision(Outcome.ALLOWED, "tool-" + i, 1));
    }
    assertEquals(UsageCounters.MAX_TOOLS + 1, published.size());
    assertEquals(1000 - UsageCounters.MAX_TOOLS, counters.usage("premium", UsageCounters.OTHER_TOOL).allowed());
  }
}
