package dev.mcpratelimit.runtime;

import dev.mcpratelimit.config.ConfigWatcher;
import dev.mcpratelimit.core.Mode;
import dev.mcpratelimit.core.NanoClock;
import dev.mcpratelimit.metrics.AgentMBeans;
import dev.mcpratelimit.metrics.LimiterMXBean;
import dev.mcpratelimit.metrics.UsageCounters;
import dev.mcpratelimit.runtime.LivePolicy.InForce;
import dev.mcpratelimit.store.BucketAdmin;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The operator's surface, {@code dev.mcpratelimit:type=Limiter}: what the agent is doing, and the
 * levers to change it live. Every operation checks all its arguments before it changes anything,
 * then logs what it did, sends a notification and returns the same line.
 */
final class OperatorControls implements LimiterMXBean {

  private final LivePolicy policy;
  private final BucketAdmin store;
  /** The MCP tool calls' counters (limited methods have their own). */
  private final UsageCounters usage;
  private final InternalErrors errors;
  private final ConfigWatcher watcher;
  private final AgentMBeans mbeans;
  private final NanoClock clock;

  /** @param watcher the configuration file's watcher, {@code null} when running on the built-in defaults */
  OperatorControls(LivePolicy policy, BucketAdmin store, UsageCounters usage, InternalErrors errors,
      ConfigWatcher watcher, AgentMBeans mbeans, NanoClock clock) {
    this.policy = policy;
    this.store = store;
    this.usage = usage;
    this.errors = errors;
    this.watcher = watcher;
    this.mbeans = mbeans;
    this.clock = clock;
  }

  @Override
  public String getMode() {
    InForce in = policy.current();
    return in == null ? "none" : label(in.mode());
  }

  @Override
  public boolean isEnforcing() {
    InForce in = policy.current();
    return in != null && in.mode() == Mode.ENFORCE;
  }

  @Override
  public boolean isShadow() {
    InForce in = policy.current();
    return in != null && in.mode() == Mode.SHADOW;
  }

  @Override
  public String getConfigFile() {
    return watcher == null ? "(built-in defaults)" : watcher.file().toString();
  }

  @Override
  public String getVersion() {
    return AgentVersion.current();
  }

  @Override
  public boolean isConfigValid() {
    return watcher == null ? policy.current() != null : watcher.fileValid();
  }

  @Override
  public long getReloadCount() {
    return watcher == null ? 0 : watcher.reloads();
  }

  @Override
  public long getTrackedBuckets() {
    return store.size();
  }

  @Override
  public long getAllowedTotal() {
    return usage.totals().allowed();
  }

  @Override
  public long getRejectedTotal() {
    return usage.totals().rejected();
  }

  @Override
  public long getShadowRejectedTotal() {
    return usage.totals().shadowRejected();
  }

  @Override
  public long getTokensConsumedTotal() {
    return usage.totals().tokensConsumed();
  }

  @Override
  public long getInternalErrors() {
    return errors.count();
  }

  @Override
  public long getForgivenEvictions() {
    return store.forgivenEvictions();
  }

  @Override
  public double getRateFactor() {
    return policy.overrides().rateFactor(clock.nanoTime());
  }

  @Override
  public int getActiveOverrides() {
    return policy.overrides().active();
  }

  @Override
  public String changeMode(String mode) {
    Mode chosen;
    try {
      chosen = Mode.valueOf(mode.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalArgumentException("mode must be enforce, shadow or off, not " + shown(mode));
    }
    policy.changeMode(chosen);
    return operatorDid("mode set to " + getMode() + " (until the file is reloaded)",
        Map.of("action", "setMode", "mode", getMode()));
  }

  @Override
  public String overrideTier(String caller, String tier, int minutes) {
    InForce in = policy.current();
    if (in == null) {
      throw new IllegalStateException("no valid configuration is in force, so there are no tiers yet");
    }
    requireKnown(in, caller);
    if (tier == null || !in.config().policy().tiers().containsKey(tier)) {
      throw new IllegalArgumentException("unknown tier " + shown(tier) + "; tiers: "
          + String.join(", ", new java.util.TreeSet<>(in.config().policy().tiers().keySet())));
    }
    long until = until(minutes);
    policy.override(overrides -> overrides.withTier(caller, tier, until));
    return operatorDid(caller + " is on tier " + tier + " for " + minutes + " min",
        Map.of("action", "overrideTier", "caller", caller, "tier", tier, "minutes", minutes));
  }

  @Override
  public String resetCaller(String caller) {
    InForce in = policy.current();
    if (in != null) {
      requireKnown(in, caller);
    } else if (caller == null) {
      throw new IllegalArgumentException("caller must be given");
    }
    store.resetCaller(caller);
    return operatorDid("buckets of " + caller + " reset", Map.of("action", "resetCaller", "caller", caller));
  }

  @Override
  public String scaleRates(double factor, int minutes) {
    if (!(factor > 0) || factor > 1000) {
      throw new IllegalArgumentException("factor must be above 0 and at most 1000, not " + factor);
    }
    long until = until(minutes);
    policy.override(overrides -> overrides.withScaling(factor, until));
    return operatorDid("every tier's rate and burst scaled by " + factor + " for " + minutes + " min",
        Map.of("action", "scaleRates", "factor", factor, "minutes", minutes));
  }

  @Override
  public String clearOverrides() {
    policy.override(overrides -> OperatorOverrides.NONE);
    return operatorDid("all tier overrides and rate scaling cleared", Map.of("action", "clearOverrides"));
  }

  /** Refuses an id no call could ever be charged to (a typo would otherwise be accepted silently). */
  private static void requireKnown(InForce in, String caller) {
    if (caller == null || !in.callers().knows(caller)) {
      throw new IllegalArgumentException("unknown caller " + shown(caller) + ": callers are named by their"
          + " configured id (caller.<id>.*), \"anonymous\" (stdio without stdio.caller, and limited methods"
          + " outside a call), or anon:<address> for an anonymous HTTP client, e.g. anon:203.0.113.9");
    }
  }

  /** An argument as an operator typed it, bounded and quoted, for a refusal's message. */
  private static String shown(String value) {
    if (value == null) {
      return "(none given)";
    }
    String bounded = value.length() > 64 ? value.substring(0, 64) + "..." : value;
    return "\"" + bounded.replaceAll("\\p{Cntrl}", "?") + "\"";
  }

  private long until(int minutes) {
    if (minutes <= 0) {
      throw new IllegalArgumentException("minutes must be positive, not " + minutes);
    }
    return clock.nanoTime() + TimeUnit.MINUTES.toNanos(minutes);
  }

  private static String label(Mode mode) {
    return mode.name().toLowerCase(Locale.ROOT);
  }

  /** Logs and announces an operator's action; returns its line for the operator. */
  private String operatorDid(String what, Map<String, Object> data) {
    AgentLog.info("override: " + what);
    mbeans.notify(AgentMBeans.OVERRIDE, what, data);
    return what;
  }
}
