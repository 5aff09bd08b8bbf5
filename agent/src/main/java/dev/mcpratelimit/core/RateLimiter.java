package dev.mcpratelimit.core;

import dev.mcpratelimit.core.BucketStore.Charge;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Decides calls: finds the buckets that apply to a caller and tool under the policy in force,
 * charges them all or none through the store, and describes the result.
 */
public final class RateLimiter {

  private final BucketStore store;
  private volatile Policy policy;

  /** @param policy the policy in force, or {@code null} while no valid configuration exists */
  public RateLimiter(BucketStore store, Policy policy) {
    this.store = store;
    this.policy = policy;
  }

  /** Puts a new policy in force. Buckets keep their tokens, capped at the new bursts. */
  public void update(Policy newPolicy) {
    this.policy = newPolicy;
  }

  public Policy policy() {
    return policy;
  }

  /** Decides a call of {@code tool}: every bucket that applies, the caller's tier bucket first. */
  public Decision decide(String caller, String tier, String tool) {
    return decide(caller, tier, tool, true);
  }

  /**
   * Decides a call made within a tool call that has already been charged to the caller's tier
   * bucket (a limited method the tool runs): only the tool's own buckets apply, so one MCP call
   * is not counted twice against the tier.
   */
  public Decision decideWithinCall(String caller, String tier, String tool) {
    return decide(caller, tier, tool, false);
  }

  private Decision decide(String caller, String tier, String tool, boolean tierBucket) {
    Policy current = policy;
    if (current == null || current.mode() == Mode.OFF) {
      return Decision.notLimited(caller, tier, tool);
    }
    String effectiveTier = current.effectiveTier(tier);
    ToolPolicy toolPolicy = current.tool(tool);
    Charge[] charges = charges(current, caller, effectiveTier, toolPolicy, tierBucket);
    if (charges.length == 0) {
      return Decision.notLimited(caller, effectiveTier, tool);
    }
    long[] balances = store.tryConsume(charges, toolPolicy.cost());
    return describe(current.mode(), caller, effectiveTier, toolPolicy, charges, balances);
  }

  /**
   * Every bucket that applies to {@code caller} of {@code tier}, as it stands, charging nothing:
   * the tier bucket, then each tool's caller-tool and global buckets, tools in name order.
   */
  public List<BucketStatus> status(String caller, String tier) {
    Policy current = policy;
    if (current == null) {
      return List.of();
    }
    String effectiveTier = current.effectiveTier(tier);
    List<BucketStatus> buckets = new ArrayList<>();
    buckets.add(peek(Scope.CALLER, null, 1, BucketKey.caller(caller), current.tiers().get(effectiveTier)));
    List<ToolPolicy> tools = new ArrayList<>(current.tools().values());
    tools.sort(Comparator.comparing(ToolPolicy::name));
    for (ToolPolicy tool : tools) {
      BucketLimit perTool = tool.tierLimits().get(effectiveTier);
      if (perTool != null) {
        buckets.add(peek(Scope.CALLER_TOOL, tool.name(), tool.cost(), BucketKey.callerTool(caller, tool.name()), perTool));
      }
      if (tool.global() != null) {
        buckets.add(peek(Scope.TOOL_GLOBAL, tool.name(), tool.cost(), BucketKey.toolGlobal(tool.name()), tool.global()));
      }
    }
    return buckets;
  }

  private BucketStatus peek(Scope scope, String tool, long cost, BucketKey key, BucketLimit limit) {
    long held = store.available(new Charge(key, limit));
    return new BucketStatus(scope, tool, limit, cost, limit.wholeTokens(held),
        limit.nanosToGain(limit.capacityCredit() - held));
  }

  /** The buckets a call of {@code tool} by {@code caller} (of tier {@code tier}) charges. */
  private static Charge[] charges(Policy policy, String caller, String tier, ToolPolicy tool, boolean tierBucket) {
    BucketLimit perTool = tool.tierLimits().get(tier);
    BucketLimit global = tool.global();
    Charge[] charges = new Charge[(tierBucket ? 1 : 0) + (perTool != null ? 1 : 0) + (global != null ? 1 : 0)];
    int i = 0;
    if (tierBucket) {
      charges[i++] = new Charge(BucketKey.caller(caller), policy.tiers().get(tier));
    }
    if (perTool != null) {
      charges[i++] = new Charge(BucketKey.callerTool(caller, tool.name()), perTool);
    }
    if (global != null) {
      charges[i] = new Charge(BucketKey.toolGlobal(tool.name()), global);
    }
    return charges;
  }

  private static Decision describe(
      Mode mode, String caller, String tier, ToolPolicy tool, Charge[] charges, long[] balances) {
    boolean admitted = true;
    for (long balance : balances) {
      admitted &= balance >= 0;
    }
    long cost = tool.cost();
    int binding = 0;
    long bindingRemaining = Long.MAX_VALUE;
    long bindingFull = 0;
    long bindingWait = -1;
    for (int i = 0; i < charges.length; i++) {
      BucketLimit limit = charges[i].limit();
      // After a rejection nothing was charged: what the bucket holds is the balance plus the cost.
      long held = admitted ? balances[i] : balances[i] + limit.credit(cost);
      long remaining = limit.wholeTokens(held);
      long full = limit.nanosToGain(limit.capacityCredit() - held);
      long wait = limit.nanosToGain(-balances[i]);
      boolean binds = admitted
          ? remaining < bindingRemaining || (remaining == bindingRemaining && full > bindingFull)
          : wait > bindingWait;
      if (binds) {
        binding = i;
        bindingRemaining = remaining;
        bindingFull = full;
        bindingWait = wait;
      }
    }
    Outcome outcome = admitted ? Outcome.ALLOWED
        : mode == Mode.SHADOW ? Outcome.SHADOW_REJECTED : Outcome.REJECTED;
    Charge bound = charges[binding];
    return new Decision(outcome, caller, tier, tool.name(), cost, bound.key().scope(), bound.limit(),
        bindingRemaining, bindingFull, admitted ? 0 : bindingWait);
  }
}
