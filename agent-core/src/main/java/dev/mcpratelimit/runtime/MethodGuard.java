package dev.mcpratelimit.runtime;

import dev.mcpratelimit.core.Decision;
import dev.mcpratelimit.core.Outcome;
import dev.mcpratelimit.core.RateLimiter;
import dev.mcpratelimit.identity.ResolvedCaller;
import dev.mcpratelimit.mcp.Rejection;
import dev.mcpratelimit.metrics.DecisionObserver;
import dev.mcpratelimit.runtime.LivePolicy.InForce;

/**
 * Decides one call of a configured plain method ({@code method.<name>.target}). Never throws: an
 * internal error lets the call through and is counted.
 */
public final class MethodGuard {

  private final LivePolicy policy;
  private final DecisionObserver observers;
  private final InternalErrors errors;

  MethodGuard(LivePolicy policy, DecisionObserver observers, InternalErrors errors) {
    this.policy = policy;
    this.observers = observers;
    this.errors = errors;
  }

  /** Whether the configuration in force limits any plain method. */
  public boolean anyConfigured() {
    InForce in = policy.current();
    return in != null && !in.methodNames().isEmpty();
  }

  /**
   * Charges one call: inside an MCP call to that call's caller, which already paid its tier
   * bucket, so only the method's own buckets apply; outside any call to the anonymous caller,
   * like a tool call.
   *
   * @param target the method as {@code Class#method}
   * @param within the caller of the MCP call this thread works for, or {@code null}
   * @return the rejection to throw into the host, or {@code null} to let the method run
   */
  public Rejection check(String target, ResolvedCaller within) {
    try {
      InForce in = policy.current();
      String name = in == null ? null : in.methodNames().get(target);
      if (name == null) {
        return null;
      }
      RateLimiter limiter = in.limiter();
      ResolvedCaller anonymous = in.callers().anonymous();
      Decision decision = within != null
          ? limiter.decideWithinCall(within.id(), within.tier(), name)
          : limiter.decide(anonymous.id(), anonymous.tier(), name);
      observers.observe(decision);
      return switch (decision.outcome()) {
        case REJECTED -> Rejection.of(decision);
        case UNAVAILABLE -> Rejection.unavailable(decision);
        default -> null;
      };
    } catch (Throwable e) {
      errors.record("limited method", e);
      return null;
    }
  }
}
