package dev.mcpratelimit.core;

import dev.mcpratelimit.core.BucketStore.Balances;
import dev.mcpratelimit.core.BucketStore.Charge;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Decides calls under one policy: finds the buckets that apply to a caller and tool, charges them
 * all or none through the store, and describes the result. Immutable; a new policy is a new
 * limiter over the same store, so the buckets keep their tokens (capped at the new bursts).
 */
public final class RateLimiter {

  private final BucketStore store;
  private final Policy policy;

  public RateLimiter(BucketStore store, Policy policy) {
    this.store = store;
    this.policy = policy;
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
    if (policy.mode() == Mode.OFF) {
      return Decision.notLimited(caller, tier, tool);
    }
    String effectiveTier = policy.effectiveTier(tier);
    BucketLimit tierLimit = tierBucket ? policy.tiers().get(effectiveTier) : null;
    ToolPolicy toolPolicy = policy.tool(tool);
    Optional<String> unavailable = toolPolicy.unavailableOn(effectiveTier, tierLimit);
    if (unavailable.isPresent()) {
      // Refused before any bucket is touched: no wait would ever make it fit.
      return Decision.unavailable(caller, effectiveTier, tool, toolPolicy.cost(), unavailable.get(),
          policy.mode() == Mode.SHADOW);
    }
    Charge[] charges = charges(caller, effectiveTier, tierLimit, toolPolicy);
    if (charges.length == 0) {
      return Decision.notLimited(caller, effectiveTier, tool);
    }
    return describe(caller, effectiveTier, tool, toolPolicy.cost(), charges, store.tryConsume(charges, toolPolicy.cost()));
  }

  /**
   * Every bucket that applies to {@code caller} of {@code tier}, as it stands, charging nothing
   * and read in one store call: the tier bucket, then each tool's caller-tool and global buckets,
   * tools in name order.
   */
  public List<BucketStatus> status(String caller, String tier) {
    String effectiveTier = policy.effectiveTier(tier);
    List<Charge> charges = new ArrayList<>();
    List<ToolPolicy> chargedFor = new ArrayList<>();
    charges.add(new Charge(BucketKey.caller(caller), policy.tiers().get(effectiveTier)));
    chargedFor.add(null);
    List<ToolPolicy> tools = new ArrayList<>(policy.tools().values());
    tools.sort(Comparator.comparing(ToolPolicy::name));
    for (ToolPolicy tool : tools) {
      BucketLimit perTool = tool.tierLimits().get(effectiveTier);
      if (perTool != null) {
        charges.add(new Charge(BucketKey.callerTool(caller, tool.name()), perTool));
        chargedFor.add(tool);
      }
      if (tool.global() != null) {
        charges.add(new Charge(BucketKey.toolGlobal(tool.name()), tool.global()));
        chargedFor.add(tool);
      }
    }
    long[] held = store.peek(charges.toArray(Charge[]::new));
    List<BucketStatus> buckets = new ArrayList<>(charges.size());
    for (int i = 0; i < held.length; i++) {
      BucketLimit limit = charges.get(i).limit();
      ToolPolicy tool = chargedFor.get(i);
      buckets.add(new BucketStatus(charges.get(i).key().scope(), tool == null ? null : tool.name(), limit,
          tool == null ? 1 : tool.cost(), limit.wholeTokens(held[i]), limit.nanosUntilFull(held[i])));
    }
    return buckets;
  }

  /**
   * The buckets a call of {@code tool} by {@code caller} (of tier {@code tier}) charges.
   *
   * @param tierLimit the tier bucket's limit, {@code null} when the call is not charged to it
   */
  private static Charge[] charges(String caller, String tier, BucketLimit tierLimit, ToolPolicy tool) {
    BucketLimit perTool = tool.tierLimits().get(tier);
    BucketLimit global = tool.global();
    Charge[] charges = new Charge[(tierLimit != null ? 1 : 0) + (perTool != null ? 1 : 0) + (global != null ? 1 : 0)];
    int i = 0;
    if (tierLimit != null) {
      charges[i++] = new Charge(BucketKey.caller(caller), tierLimit);
    }
    if (perTool != null) {
      charges[i++] = new Charge(BucketKey.callerTool(caller, tool.name()), perTool);
    }
    if (global != null) {
      charges[i] = new Charge(BucketKey.toolGlobal(tool.name()), global);
    }
    return charges;
  }

  /**
   * The decision, about the binding bucket: after an admission the one with the fewest whole
   * tokens left (ties: the one longest from full), after a rejection the one that makes the
   * caller wait longest.
   */
  private Decision describe(String caller, String tier, String tool, long cost, Charge[] charges,
      Balances balances) {
    boolean admitted = balances.admitted();
    int binding = 0;
    long bindingRemaining = Long.MAX_VALUE;
    long bindingFull = 0;
    long bindingWait = -1;
    for (int i = 0; i < charges.length; i++) {
      BucketLimit limit = charges[i].limit();
      long held = balances.credit()[i];
      long remaining = limit.wholeTokens(held);
      long full = limit.nanosUntilFull(held);
      long wait = admitted ? 0 : limit.nanosUntilHolding(held, cost);
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
        : policy.mode() == Mode.SHADOW ? Outcome.SHADOW_REJECTED : Outcome.REJECTED;
    Charge bound = charges[binding];
    return new Decision(outcome, caller, tier, tool, cost, bound.key().scope(), bound.limit(),
        bindingRemaining, bindingFull, bindingWait, null);
  }
}
