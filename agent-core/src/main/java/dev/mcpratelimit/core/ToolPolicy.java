package dev.mcpratelimit.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * How one tool is limited: its cost in tokens, its own per-caller limit for some tiers, an
 * optional global bucket shared by all callers ({@code null} when it has none), and the tiers that
 * may not call it at all.
 */
public record ToolPolicy(String name, long cost, Map<String, BucketLimit> tierLimits, BucketLimit global,
    Set<String> deniedTiers) {

  public ToolPolicy {
    if (cost <= 0) {
      throw new IllegalArgumentException("cost must be positive: " + cost);
    }
    tierLimits = Map.copyOf(tierLimits);
    deniedTiers = Set.copyOf(deniedTiers);
  }

  /** A tool every tier may call. */
  public ToolPolicy(String name, long cost, Map<String, BucketLimit> tierLimits, BucketLimit global) {
    this(name, cost, tierLimits, global, Set.of());
  }

  /**
   * Every tool nobody configured: cost 1, only the caller's tier bucket applies. One shared value
   * (its name is empty: a decision names the called tool itself), not one per call.
   */
  public static final ToolPolicy UNCONFIGURED = new ToolPolicy("", 1, Map.of(), null);

  /**
   * Why a call of this tool on {@code tier} can never be admitted, or empty if it can: the tier is
   * denied it, or its cost exceeds the burst of a bucket that applies there.
   *
   * @param tierBucket the tier's caller bucket when the call is charged to it; {@code null} when
   *     it is not (the status tool, a limited method inside a tool call)
   */
  public Optional<String> unavailableOn(String tier, BucketLimit tierBucket) {
    if (!deniedTiers.isEmpty() && deniedTiers.contains(tier)) {
      return Optional.of("tool." + name + ".tier." + tier + ".allowed=false");
    }
    BucketLimit own = tierLimits.get(tier);
    boolean tierShort = tierBucket != null && tierBucket.capacity() < cost;
    boolean ownShort = own != null && own.capacity() < cost;
    boolean globalShort = global != null && global.capacity() < cost;
    if (!tierShort && !ownShort && !globalShort) {
      return Optional.empty(); // every call's path: no allocation
    }
    List<String> tooSmall = new ArrayList<>();
    if (tierShort) {
      tooSmall.add("the tier's burst of " + tierBucket.capacity());
    }
    if (ownShort) {
      tooSmall.add("the tool's own burst of " + own.capacity() + " on that tier");
    }
    if (globalShort) {
      tooSmall.add("the tool's global burst of " + global.capacity());
    }
    return Optional.of("cost " + cost + " exceeds " + String.join(" and ", tooSmall));
  }
}
