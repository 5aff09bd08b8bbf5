package dev.mcpratelimit.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mcpratelimit.core.BucketLimit;
import dev.mcpratelimit.core.BucketStatus;
import dev.mcpratelimit.core.Rate;
import dev.mcpratelimit.core.Scope;
import dev.mcpratelimit.identity.ResolvedCaller;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class StatusToolTest {

  @Test
  void reportsEveryBucketWithLimitRemainingResetAndCost() {
    List<BucketStatus> buckets = List.of(
        new BucketStatus(Scope.CALLER, null, new BucketLimit(300, Rate.perMinute(300)), 1, 297, TimeUnit.MILLISECONDS.toNanos(600)),
        new BucketStatus(Scope.CALLER_TOOL, "search_tracks", new BucketLimit(5, Rate.perMinute(5)), 1, 5, 0),
        new BucketStatus(Scope.TOOL_GLOBAL, "upstream", new BucketLimit(20, Rate.perMinute(20)), 2, 12, TimeUnit.SECONDS.toNanos(24)));
    StatusTool.Report report = StatusTool.report(new ResolvedCaller("alice", "premium", true), buckets, 1_000_000L);

    assertEquals("alice", report.structured().get("caller"));
    assertEquals("premium", report.structured().get("tier"));
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> entries = (List<Map<String, Object>>) report.structured().get("buckets");
    assertEquals(Map.of("scope", "caller", "limit", 300L, "rate", "300/min", "remaining", 297L, "resetSeconds", 1L,
        "resetEpochSeconds", 1001L, "cost", 1L), entries.get(0));
    assertEquals("search_tracks", entries.get(1).get("tool"));
    assertEquals(Map.of("scope", "tool-global", "tool", "upstream", "limit", 20L, "rate", "20/min", "remaining", 12L,
        "resetSeconds", 24L, "resetEpochSeconds", 1024L, "cost", 2L), entries.get(2));
    assertEquals("alice (tier premium): caller 297/300 (full in 1 s); caller-tool search_tracks 5/5 (full in 0 s);"
        + " tool-global upstream 12/20 (full in 24 s)", report.text());
    assertEquals(true, report.json().startsWith("{\"buckets\":[{\"scope\":\"caller\",")
        && report.json().endsWith("\"caller\":\"alice\",\"limitsInForce\":true,\"tier\":\"premium\"}"), report.json());
    assertEquals(true, report.json().contains("\"limit\":300,\"rate\":\"300/min\",\"remaining\":297"), report.json());
  }

  @Test
  void theOutputSchemaRequiresCallerTierAndBuckets() {
    assertEquals(List.of("caller", "tier", "buckets"), StatusTool.outputSchema().get("required"));
  }
}
