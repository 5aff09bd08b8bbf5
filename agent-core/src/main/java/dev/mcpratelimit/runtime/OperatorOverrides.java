package dev.mcpratelimit.runtime;

import dev.mcpratelimit.identity.ResolvedCaller;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What an operator changed live through JMX, each with the time it ends: tiers given to callers,
 * and the emergency scaling of every tier's rate. Immutable: a change is a new value, so that it
 * is put in force together with the policy built from it. Expired overrides never apply, even
 * before {@link #expire} has removed them.
 */
final class OperatorOverrides {

  private record TierOverride(String tier, long untilNanos) {}

  private record Scaling(double factor, long untilNanos) {}

  static final OperatorOverrides NONE = new OperatorOverrides(Map.of(), null);

  /** What {@link #expire} leaves, and one line for each override that ended. */
  record Expiry(OperatorOverrides remaining, List<String> ended) {}

  private final Map<String, TierOverride> tiers;
  /** {@code null}: no scaling. */
  private final Scaling scaling;

  private OperatorOverrides(Map<String, TierOverride> tiers, Scaling scaling) {
    this.tiers = Map.copyOf(tiers);
    this.scaling = scaling;
  }

  /** The caller with its overridden tier, if it has one in force at {@code now}. */
  ResolvedCaller apply(ResolvedCaller caller, long now) {
    TierOverride override = tiers.isEmpty() ? null : tiers.get(caller.id());
    if (override == null || now - override.untilNanos >= 0) {
      return caller;
    }
    return new ResolvedCaller(caller.id(), override.tier, caller.identified());
  }

  OperatorOverrides withTier(String caller, String tier, long untilNanos) {
    Map<String, TierOverride> changed = new HashMap<>(tiers);
    changed.put(caller, new TierOverride(tier, untilNanos));
    return new OperatorOverrides(changed, scaling);
  }

  OperatorOverrides withScaling(double factor, long untilNanos) {
    return new OperatorOverrides(tiers, new Scaling(factor, untilNanos));
  }

  /** Every tier's rate and burst are multiplied by this at {@code now}. */
  double rateFactor(long now) {
    return scaling == null || now - scaling.untilNanos >= 0 ? 1.0 : scaling.factor;
  }

  /** Overrides not yet removed by {@link #expire}. */
  int active() {
    return tiers.size() + (scaling == null ? 0 : 1);
  }

  Expiry expire(long now) {
    List<String> ended = new ArrayList<>();
    Map<String, TierOverride> remaining = new HashMap<>();
    tiers.forEach((caller, override) -> {
      if (now - override.untilNanos >= 0) {
        ended.add("tier override of " + caller + " (tier " + override.tier + ") ended");
      } else {
        remaining.put(caller, override);
      }
    });
    Scaling kept = scaling;
    if (scaling != null && now - scaling.untilNanos >= 0) {
      ended.add("rate scaling by " + scaling.factor + " ended");
      kept = null;
    }
    return ended.isEmpty() ? new Expiry(this, List.of()) : new Expiry(new OperatorOverrides(remaining, kept), ended);
  }
}
