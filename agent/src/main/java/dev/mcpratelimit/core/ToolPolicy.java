package dev.mcpratelimit.core;

import java.util.Map;

/**
 * How one tool is limited: its cost in tokens, its own per-caller limit for some tiers, and an
 * optional global bucket shared by all callers ({@code null} when it has none).
 */
public record ToolPolicy(String name, long cost, Map<String, BucketLimit> tierLimits, BucketLimit global) {

  public ToolPolicy {
    if (cost <= 0) {
      throw new IllegalArgumentException("cost must be positive: " + cost);
    }
    tierLimits = Map.copyOf(tierLimits);
  }

  /** A tool nobody configured: cost 1, only the caller's tier bucket applies. */
  public static ToolPolicy unconfigured(String name) {
    return new ToolPolicy(name, 1, Map.of(), null);
  }
}
