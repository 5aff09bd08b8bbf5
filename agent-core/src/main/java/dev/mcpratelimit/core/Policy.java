package dev.mcpratelimit.core;

import java.util.HashMap;
import java.util.Map;

/**
 * The limits in force: tiers by name, the tier of unidentified callers, per-tool rules and the
 * mode. Immutable; a configuration reload swaps the whole policy.
 */
public record Policy(Map<String, BucketLimit> tiers, String defaultTier, Map<String, ToolPolicy> tools, Mode mode) {

  public Policy {
    tiers = Map.copyOf(tiers);
    tools = Map.copyOf(tools);
    if (!tiers.containsKey(defaultTier)) {
      throw new IllegalArgumentException("default tier " + defaultTier + " is not a tier");
    }
  }

  /** The tier's name if it exists, else the default tier's (a caller's tier may vanish on reload). */
  public String effectiveTier(String tier) {
    return tier != null && tiers.containsKey(tier) ? tier : defaultTier;
  }

  /** The tool's policy, or {@link ToolPolicy#UNCONFIGURED} for a tool the file does not name. */
  public ToolPolicy tool(String name) {
    ToolPolicy policy = tools.get(name);
    return policy != null ? policy : ToolPolicy.UNCONFIGURED;
  }

  public Policy withMode(Mode newMode) {
    return new Policy(tiers, defaultTier, tools, newMode);
  }

  /**
   * Every tier's rate and burst scaled by {@code factor} (the emergency override); tools' own
   * limits are left as configured. A factor of 1 returns this policy.
   */
  public Policy withTiersScaled(double factor) {
    if (factor == 1.0) {
      return this;
    }
    Map<String, BucketLimit> scaled = new HashMap<>();
    tiers.forEach((name, limit) -> scaled.put(name, limit.scaled(factor)));
    return new Policy(scaled, defaultTier, tools, mode);
  }
}
