package dev.mcpratelimit.core;

/**
 * Everything a caller and an operator need to know about one call.
 *
 * <p>The bucket fields describe the binding bucket: after an admission the one with the fewest
 * whole tokens left, after a rejection the one that makes the caller wait longest. For
 * {@link Outcome#NOT_LIMITED} they are empty ({@code scope} and {@code limit} are {@code null}).
 *
 * @param remaining whole tokens left in the binding bucket
 * @param nanosUntilFull time until the binding bucket is full again
 * @param nanosUntilAllowed time until this call (same cost) would be admitted; zero when admitted
 * @param unavailableReason why the tool can never be called on the tier ({@link Outcome#UNAVAILABLE},
 *     or {@link Outcome#SHADOW_REJECTED} in shadow mode, then without a binding bucket); else {@code null}
 */
public record Decision(
    Outcome outcome,
    String caller,
    String tier,
    String tool,
    long cost,
    Scope scope,
    BucketLimit limit,
    long remaining,
    long nanosUntilFull,
    long nanosUntilAllowed,
    String unavailableReason) {

  static Decision notLimited(String caller, String tier, String tool) {
    return new Decision(Outcome.NOT_LIMITED, caller, tier, tool, 0, null, null, 0, 0, 0, null);
  }

  /** @param shadow whether the mode is shadow: then the call is let through and only counted */
  static Decision unavailable(String caller, String tier, String tool, long cost, String reason, boolean shadow) {
    return new Decision(shadow ? Outcome.SHADOW_REJECTED : Outcome.UNAVAILABLE, caller, tier, tool, cost, null, null,
        0, 0, 0, reason);
  }

  /** Whether the call may run (shadow rejections run too). */
  public boolean admitted() {
    return outcome != Outcome.REJECTED && outcome != Outcome.UNAVAILABLE;
  }

  /** Whole seconds until the call would be admitted, rounded up, at least 1 (the Retry-After value). */
  public long retryAfterSeconds() {
    return Math.max(1, Nanos.ceilSeconds(nanosUntilAllowed));
  }

  /** Whole seconds until the binding bucket is full, rounded up. */
  public long secondsUntilFull() {
    return Nanos.ceilSeconds(nanosUntilFull);
  }
}
