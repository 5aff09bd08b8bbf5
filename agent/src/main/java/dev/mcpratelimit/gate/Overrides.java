package dev.mcpratelimit.gate;

import dev.mcpratelimit.core.NanoClock;
import dev.mcpratelimit.identity.ResolvedCaller;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What an operator changed live through JMX, each with the time it ends: tiers given to callers,
 * and the emergency scaling of every tier's rate. Expired overrides never apply, even before
 * {@link #expire} has removed them.
 */
final class Overrides {

  private record TierOverride(String tier, long untilNanos) {}

  private record Scaling(double factor, long untilNanos) {}

  private static final Scaling NONE = new Scaling(1.0, Long.MAX_VALUE);

  private final NanoClock clock;
  private final Map<String, TierOverride> tiers = new ConcurrentHashMap<>();
  private volatile Scaling scaling = NONE;

  Overrides(NanoClock clock) {
    this.clock = clock;
  }

  /** The caller with its overridden tier, if it has one in force. */
  ResolvedCaller apply(ResolvedCaller caller) {
    TierOverride override = tiers.get(caller.id());
    if (override == null || clock.nanoTime() - override.untilNanos >= 0) {
      return caller;
    }
    return new ResolvedCaller(caller.id(), override.tier, caller.identified());
  }

  void overrideTier(String caller, String tier, long durationNanos) {
    tiers.put(caller, new TierOverride(tier, clock.nanoTime() + durationNanos));
  }

  void scale(double factor, long durationNanos) {
    scaling = new Scaling(factor, clock.nanoTime() + durationNanos);
  }

  double rateFactor() {
    Scaling current = scaling;
    return clock.nanoTime() - current.untilNanos >= 0 ? 1.0 : current.factor;
  }

  int active() {
    return tiers.size() + (scaling == NONE ? 0 : 1);
  }

  /** Removes what has ended and says what it was, one line each. */
  List<String> expire() {
    long now = clock.nanoTime();
    List<String> ended = new ArrayList<>();
    tiers.forEach((caller, override) -> {
      if (now - override.untilNanos >= 0 && tiers.remove(caller, override)) {
        ended.add("tier override of " + caller + " (tier " + override.tier + ") ended");
      }
    });
    Scaling current = scaling;
    if (current != NONE && now - current.untilNanos >= 0) {
      scaling = NONE;
      ended.add("rate scaling by " + current.factor + " ended");
    }
    return ended;
  }

  void clear() {
    tiers.clear();
    scaling = NONE;
  }
}
