package dev.mcpratelimit.runtime;

import dev.mcpratelimit.config.AgentConfig;
import dev.mcpratelimit.config.MethodTarget;
import dev.mcpratelimit.core.BucketStore;
import dev.mcpratelimit.core.Mode;
import dev.mcpratelimit.core.NanoClock;
import dev.mcpratelimit.core.Policy;
import dev.mcpratelimit.core.RateLimiter;
import dev.mcpratelimit.core.ToolPolicy;
import dev.mcpratelimit.identity.CallerResolver;
import dev.mcpratelimit.identity.ResolvedCaller;
import dev.mcpratelimit.mcp.StatusTool;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The limits in force: the file's configuration, with the agent's status tool and the operator's
 * live changes on top, composed into one immutable {@link InForce} and swapped atomically. Every
 * change is composed completely before it is swapped in, so a change that fails leaves no trace;
 * changes are serialized, so a reload racing an operator leaves the latest of both in force.
 */
public final class LivePolicy {

  /**
   * Everything a call needs, from one configuration and one set of overrides.
   *
   * @param modeOverride the mode an operator chose, {@code null} for the file's; it holds until
   *     the file is next put in force
   * @param methodNames limited methods' names by {@code Class#method}
   */
  public record InForce(AgentConfig config, CallerResolver callers, Map<String, String> methodNames,
      Mode modeOverride, OperatorOverrides overrides, RateLimiter limiter) {

    public Mode mode() {
      return limiter.policy().mode();
    }

    /** The caller as the operator's overrides say at {@code now} (another tier for a while). */
    public ResolvedCaller withOverrides(ResolvedCaller caller, long now) {
      return overrides.apply(caller, now);
    }
  }

  private final BucketStore store;
  private final NanoClock clock;
  /** Overrides made while no configuration is in force wait here for one. */
  private OperatorOverrides pending = OperatorOverrides.NONE;
  private volatile InForce current;

  public LivePolicy(BucketStore store, NanoClock clock) {
    this.store = store;
    this.clock = clock;
  }

  /** What is in force, or {@code null} while no valid configuration exists (nothing is limited). */
  public InForce current() {
    return current;
  }

  /** Puts a configuration in force; the operator's overrides stay, a mode chosen over JMX ends. */
  public synchronized InForce apply(AgentConfig config) {
    Map<String, String> methodNames = new HashMap<>();
    for (MethodTarget target : config.methods()) {
      methodNames.put(target.toString(), target.name());
    }
    InForce composed = compose(config, new CallerResolver(config.identity()), Map.copyOf(methodNames), null,
        overrides());
    pending = OperatorOverrides.NONE;
    return current = composed;
  }

  public synchronized void changeMode(Mode mode) {
    InForce in = current;
    if (in != null) {
      current = compose(in.config(), in.callers(), in.methodNames(), mode, in.overrides());
    }
  }

  /** Changes the operator's overrides and puts them in force with the policy they shape. */
  synchronized void override(UnaryOperator<OperatorOverrides> change) {
    OperatorOverrides changed = change.apply(overrides());
    InForce in = current;
    if (in == null) {
      pending = changed;
    } else {
      current = compose(in.config(), in.callers(), in.methodNames(), in.modeOverride(), changed);
    }
  }

  /** Removes the overrides whose time is up at {@code now}, and says what they were. */
  synchronized List<String> expire(long now) {
    OperatorOverrides.Expiry expiry = overrides().expire(now);
    if (!expiry.ended().isEmpty()) {
      override(ignored -> expiry.remaining());
    }
    return expiry.ended();
  }

  /** The operator's overrides, in force or waiting for a configuration. */
  synchronized OperatorOverrides overrides() {
    InForce in = current;
    return in == null ? pending : in.overrides();
  }

  private InForce compose(AgentConfig config, CallerResolver callers, Map<String, String> methodNames,
      Mode modeOverride, OperatorOverrides overrides) {
    Policy policy = withStatusTool(config.policy());
    if (modeOverride != null) {
      policy = policy.withMode(modeOverride);
    }
    policy = policy.withTiersScaled(overrides.rateFactor(clock.nanoTime()));
    return new InForce(config, callers, methodNames, modeOverride, overrides, new RateLimiter(store, policy));
  }

  /** {@code rate_limit_status} has its own small limit on every tier the file does not give one. */
  private static Policy withStatusTool(Policy policy) {
    Map<String, ToolPolicy> tools = new HashMap<>(policy.tools());
    tools.put(StatusTool.NAME, AgentConfig.statusTool(policy.tools().get(StatusTool.NAME), policy.tiers().keySet()));
    return new Policy(policy.tiers(), policy.defaultTier(), tools, policy.mode());
  }

  /** The configured plain methods in force. */
  public List<MethodTarget> methods() {
    InForce in = current;
    return in == null ? List.of() : in.config().methods();
  }
}
