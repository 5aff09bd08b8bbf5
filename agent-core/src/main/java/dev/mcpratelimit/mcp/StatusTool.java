package dev.mcpratelimit.mcp;

import com.google.gson.Gson;
import dev.mcpratelimit.config.AgentConfig;
import dev.mcpratelimit.core.BucketLimit;
import dev.mcpratelimit.core.Nanos;
import dev.mcpratelimit.core.BucketStatus;
import dev.mcpratelimit.identity.ResolvedCaller;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code rate_limit_status} tool the agent adds to every server with tools: what it is (name,
 * description, schemas, as plain maps the advice hands to the SDK) and what it answers.
 */
public final class StatusTool {

  public static final String NAME = AgentConfig.STATUS_TOOL;
  public static final String DESCRIPTION = "Your rate limits: your caller id and tier, and for every bucket"
      + " that applies to you (your tier's, each tool's own limit for your tier, each tool's global limit)"
      + " its limit, the whole tokens remaining and when it is full again. Costs none of your tokens.";
  /** Its own per-caller limit on every tier unless configured. */
  public static final BucketLimit DEFAULT_LIMIT = AgentConfig.STATUS_TOOL_LIMIT;

  /** What a call answers: structured content matching {@link #outputSchema()}, and a short text. */
  public record Report(Map<String, Object> structured, String text) {

    /**
     * The structured content as JSON text, for SDKs whose results have no structured content yet
     * (0.10): what the MCP specification has a tool return for clients that cannot read it.
     */
    public String json() {
      return Json.GSON.toJson(structured);
    }
  }

  /** Made when first needed: Gson loads about a hundred classes, which most hosts never need. */
  private static final class Json {
    static final Gson GSON = new Gson();
  }

  private StatusTool() {}

  public static Map<String, Object> outputSchema() {
    Map<String, Object> bucket = Map.of(
        "type", "object",
        "properties", Map.of(
            "scope", Map.of("type", "string", "enum", List.of("caller", "caller-tool", "tool-global")),
            "tool", Map.of("type", "string"),
            "limit", Map.of("type", "integer", "description", "the bucket's capacity (burst)"),
            "rate", Map.of("type", "string", "description", "sustained refill, e.g. 10/min"),
            "remaining", Map.of("type", "integer", "description", "whole tokens left"),
            "resetSeconds", Map.of("type", "integer", "description", "seconds until the bucket is full"),
            "resetEpochSeconds", Map.of("type", "integer", "description", "Unix time when it is full"),
            "cost", Map.of("type", "integer", "description", "tokens one call of the tool takes")),
        "required", List.of("scope", "limit", "rate", "remaining", "resetSeconds", "resetEpochSeconds"));
    return Map.of(
        "type", "object",
        "properties", Map.of(
            "caller", Map.of("type", "string"),
            "tier", Map.of("type", "string"),
            "limitsInForce", Map.of("type", "boolean",
                "description", "false while the agent has no valid configuration: nothing is limited"),
            "buckets", Map.of("type", "array", "items", bucket)),
        "required", List.of("caller", "tier", "buckets"));
  }

  public static Report report(ResolvedCaller caller, List<BucketStatus> buckets, long epochMillis) {
    List<Map<String, Object>> entries = new ArrayList<>();
    StringBuilder text = new StringBuilder(caller.id() + " (tier " + caller.tier() + "):");
    for (BucketStatus bucket : buckets) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("scope", bucket.scope().label());
      if (bucket.tool() != null) {
        entry.put("tool", bucket.tool());
      }
      long resetSeconds = Nanos.ceilSeconds(bucket.nanosUntilFull());
      entry.put("limit", bucket.limit().capacity());
      entry.put("rate", bucket.limit().rate().toString());
      entry.put("remaining", bucket.remaining());
      entry.put("resetSeconds", resetSeconds);
      entry.put("resetEpochSeconds", RateLimitHeaders.epochSecondsAfter(epochMillis, bucket.nanosUntilFull()));
      entry.put("cost", bucket.cost());
      entries.add(entry);
      text.append(' ').append(bucket.scope().label()).append(bucket.tool() == null ? "" : " " + bucket.tool())
          .append(' ').append(bucket.remaining()).append('/').append(bucket.limit().capacity())
          .append(" (full in ").append(resetSeconds).append(" s);");
    }
    Map<String, Object> structured = new TreeMap<>();
    structured.put("caller", caller.id());
    structured.put("tier", caller.tier());
    structured.put("limitsInForce", true);
    structured.put("buckets", entries);
    return new Report(structured, text.substring(0, text.length() - 1));
  }

  /** The answer while no valid configuration is in force: nobody is limited. */
  public static Report noLimits() {
    return new Report(Map.of("caller", "", "tier", "", "limitsInForce", false, "buckets", List.of()),
        "no rate limits are in force (the agent has no valid configuration)");
  }
}
