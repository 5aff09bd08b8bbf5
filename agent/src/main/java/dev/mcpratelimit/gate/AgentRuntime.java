package dev.mcpratelimit.gate;

import dev.mcpratelimit.config.AgentConfig;
import dev.mcpratelimit.config.ConfigWatcher;
import dev.mcpratelimit.config.MethodTarget;
import dev.mcpratelimit.core.Decision;
import dev.mcpratelimit.core.Mode;
import dev.mcpratelimit.core.NanoClock;
import dev.mcpratelimit.core.Outcome;
import dev.mcpratelimit.core.Policy;
import dev.mcpratelimit.core.RateLimiter;
import dev.mcpratelimit.identity.ResolvedCaller;
import dev.mcpratelimit.metrics.AgentMBeans;
import dev.mcpratelimit.metrics.LimiterControl;
import dev.mcpratelimit.metrics.RejectionLog;
import dev.mcpratelimit.metrics.UsageCounters;
import dev.mcpratelimit.metrics.ViolationTracker;
import dev.mcpratelimit.store.InMemoryBucketStore;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The agent's state in the host JVM: the limiter, the configuration in force, what operators
 * changed live, and what is counted. One per JVM, created by {@code premain} or {@code agentmain}.
 */
public final class AgentRuntime implements LimiterControl {

  /** Rejection log lines per interval before the rest are only summed up. */
  static final int LOGGED_REJECTIONS = 10;
  static final long LOG_INTERVAL_SECONDS = 10;
  /** How often idle, full buckets are forgotten. */
  static final long SWEEP_SECONDS = 10;

  private static volatile AgentRuntime current;

  private final NanoClock clock = NanoClock.system();
  private final RateLimiter limiter;
  private final InMemoryBucketStore store;
  private final InternalErrors errors = new InternalErrors();
  private final Overrides overrides = new Overrides(clock);
  private final AtomicLong reloads = new AtomicLong();
  private final ScheduledExecutorService maintenance = Executors.newSingleThreadScheduledExecutor(runnable -> {
    Thread thread = new Thread(runnable, "mcp-ratelimit-maintenance");
    thread.setDaemon(true); // never keeps the host alive
    return thread;
  });
  private final Path file;
  private final Consumer<AgentConfig> onConfig;
  private final AgentMBeans mbeans = new AgentMBeans(ManagementFactory.getPlatformMBeanServer());
  private final UsageCounters usage = new UsageCounters(this::publishUsage);
  private final RejectionLog rejectionLog = new RejectionLog(clock, LOGGED_REJECTIONS,
      TimeUnit.SECONDS.toNanos(LOG_INTERVAL_SECONDS), AgentLog::info);
  private volatile ViolationTracker violations;
  private volatile ConfigWatcher watcher;
  private volatile Settings settings;
  private volatile Mode modeOverride;

  /** Everything derived from one valid configuration, swapped as a whole. */
  record Settings(AgentConfig config, Map<String, String> methodNames) {

    static Settings of(AgentConfig config) {
      Map<String, String> names = new HashMap<>();
      for (MethodTarget target : config.methods()) {
        names.put(target.className() + "#" + target.methodName(), target.name());
      }
      return new Settings(config, Map.copyOf(names));
    }
  }

  private AgentRuntime(Path file, Consumer<AgentConfig> onConfig) {
    this.file = file;
    this.onConfig = onConfig;
    this.store = new InMemoryBucketStore(clock, AgentConfig.defaults().maxBuckets());
    this.limiter = new RateLimiter(store, null);
    this.violations = tracker(AgentConfig.defaults().violations());
  }

  /** The running agent, or {@code null} before it started (advice then lets everything through). */
  public static AgentRuntime current() {
    return current;
  }

  /**
   * Starts the agent once per JVM.
   *
   * @param argument the agent argument: a properties file path, or empty for the defaults
   * @param onConfig told about every configuration put in force (the instrumentation follows
   *     method targets with it)
   * @return the runtime, or {@code null} if one was already running
   */
  public static synchronized AgentRuntime start(String argument, Consumer<AgentConfig> onConfig) {
    if (current != null) {
      return null;
    }
    boolean useDefaults = argument == null || argument.isBlank();
    AgentRuntime runtime = new AgentRuntime(useDefaults ? null : Path.of(argument.strip()), onConfig);
    if (useDefaults) {
      runtime.apply(AgentConfig.defaults());
    } else {
      ConfigWatcher watcher = new ConfigWatcher(runtime.file, runtime.clock, runtime::apply, AgentLog::warning);
      runtime.watcher = watcher;
      watcher.poll();
      watcher.start(runtime.maintenance);
    }
    runtime.maintenance.scheduleWithFixedDelay(runtime::housekeeping, 1, 1, TimeUnit.SECONDS);
    runtime.maintenance.scheduleWithFixedDelay(runtime::forgetFullBuckets, SWEEP_SECONDS, SWEEP_SECONDS, TimeUnit.SECONDS);
    runtime.registerMBeans();
    current = runtime;
    return runtime;
  }

  private void registerMBeans() {
    try {
      mbeans.registerLimiter(this, usage);
      mbeans.registerViolations(() -> violations);
    } catch (Exception e) {
      AgentLog.warning("JMX beans not registered (" + e + "); limiting works, monitoring through JMX does not");
    }
  }

  private void publishUsage(String tier, String tool, UsageCounters.Usage counters) {
    try {
      mbeans.registerUsage(tier, tool, counters);
    } catch (Exception e) {
      errors.record("JMX usage bean", e);
    }
  }

  private ViolationTracker tracker(AgentConfig.Violations config) {
    return new ViolationTracker(clock, TimeUnit.SECONDS.toNanos(config.windowSeconds()), config.threshold(),
        config.top(), violator -> {
          AgentLog.warning("persistent violator: " + violator.caller() + " (tier " + violator.tier() + ") had "
              + violator.rejections() + " rejections within " + config.windowSeconds() + " s");
          mbeans.notifyViolator(violator, TimeUnit.SECONDS.toNanos(config.windowSeconds()));
        });
  }

  private void apply(AgentConfig config) {
    boolean reload = settings != null;
    if (reload && !config.violations().equals(settings.config().violations())) {
      violations = tracker(config.violations());
    } else if (!reload) {
      violations = tracker(config.violations());
    }
    store.setMaxBuckets(config.maxBuckets());
    modeOverride = null; // a JMX mode holds until the file is reloaded
    settings = Settings.of(config);
    putPolicyInForce();
    onConfig.accept(config);
    if (reload) {
      reloads.incrementAndGet();
      AgentLog.info(file + ": reloaded; mode " + mode() + ", the new limits are in force");
      mbeans.notify(AgentMBeans.RELOAD, file + " reloaded", Map.of("file", String.valueOf(file), "mode", mode()));
    }
  }

  /**
   * The file's policy, with the operator's live changes on top. Synchronized so that a reload and
   * a JMX operation racing each other leave the policy built from the latest of both.
   */
  private synchronized void putPolicyInForce() {
    Settings in = settings;
    if (in == null) {
      return;
    }
    Policy policy = in.config().policy();
    Mode mode = modeOverride;
    limiter.update(policy.withMode(mode != null ? mode : policy.mode()).withTiersScaled(overrides.rateFactor()));
  }

  /** Runs every second: ends overrides whose time is up, and tells how a rejection flood went. */
  private void housekeeping() {
    try {
      List<String> ended = overrides.expire();
      if (!ended.isEmpty()) {
        putPolicyInForce();
        for (String line : ended) {
          AgentLog.info("override: " + line);
          mbeans.notify(AgentMBeans.OVERRIDE, line, Map.of("action", "expired"));
        }
      }
      rejectionLog.flush();
    } catch (RuntimeException e) {
      errors.record("housekeeping", e);
    }
  }

  /** Drops idle buckets that are full again, so memory follows the callers that are active. */
  private void forgetFullBuckets() {
    try {
      store.sweep();
    } catch (RuntimeException e) {
      errors.record("bucket sweep", e);
    }
  }

  /** The caller as the operator's overrides say (another tier for a while). */
  ResolvedCaller withOverrides(ResolvedCaller caller) {
    return overrides.apply(caller);
  }

  /** Counts a decision and, if it refused a call, logs it and tracks the caller. */
  void observe(Decision decision) {
    usage.record(decision);
    if (decision.outcome() == Outcome.REJECTED || decision.outcome() == Outcome.SHADOW_REJECTED) {
      violations.rejected(decision.caller(), decision.tier());
      rejectionLog.rejected(decision);
    }
  }

  public RateLimiter limiter() {
    return limiter;
  }

  public InternalErrors errors() {
    return errors;
  }

  /** Derived settings in force, or {@code null} while no valid configuration exists. */
  Settings settings() {
    return settings;
  }

  /** The configuration file, or {@code null} when running on the built-in defaults. */
  public Path file() {
    return file;
  }

  /** The configured plain methods in force. */
  public List<MethodTarget> methods() {
    Settings in = settings;
    return in == null ? List.of() : in.config().methods();
  }

  public String storeDescription() {
    Settings in = settings;
    long max = in == null ? AgentConfig.defaults().maxBuckets() : in.config().maxBuckets();
    return "memory (at most " + max + " buckets)";
  }

  // ---- LimiterControl: what JMX reads and does ----

  @Override
  public String mode() {
    Policy policy = limiter.policy();
    return policy == null ? "none" : policy.mode().name().toLowerCase(Locale.ROOT);
  }

  @Override
  public String configFile() {
    return file == null ? "(built-in defaults)" : file.toString();
  }

  @Override
  public String version() {
    return dev.mcpratelimit.runtime.AgentVersion.current();
  }

  @Override
  public boolean configValid() {
    ConfigWatcher current = watcher;
    return current == null ? settings != null : current.fileValid();
  }

  @Override
  public long reloadCount() {
    return reloads.get();
  }

  @Override
  public long trackedBuckets() {
    return store.size();
  }

  @Override
  public long internalErrors() {
    return errors.count();
  }

  @Override
  public long forgivenEvictions() {
    return store.forgivenEvictions();
  }

  @Override
  public double rateFactor() {
    return overrides.rateFactor();
  }

  @Override
  public int activeOverrides() {
    return overrides.active();
  }

  @Override
  public void setMode(String mode) {
    Mode chosen;
    try {
      chosen = Mode.valueOf(mode.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalArgumentException("mode must be enforce, shadow or off, not " + mode);
    }
    modeOverride = chosen;
    putPolicyInForce();
    operatorDid("mode set to " + mode() + " (until the file is reloaded)", Map.of("action", "setMode", "mode", mode()));
  }

  @Override
  public void overrideTier(String caller, String tier, int minutes) {
    Settings in = settings;
    if (in == null || !in.config().policy().tiers().containsKey(tier)) {
      throw new IllegalArgumentException("unknown tier " + tier);
    }
    requirePositive(minutes);
    overrides.overrideTier(caller, tier, TimeUnit.MINUTES.toNanos(minutes));
    operatorDid(caller + " is on tier " + tier + " for " + minutes + " min",
        Map.of("action", "overrideTier", "caller", caller, "tier", tier, "minutes", minutes));
  }

  @Override
  public void resetCaller(String caller) {
    store.resetCaller(caller);
    operatorDid("buckets of " + caller + " reset", Map.of("action", "resetCaller", "caller", caller));
  }

  @Override
  public void scaleRates(double factor, int minutes) {
    if (!(factor > 0) || factor > 1000) {
      throw new IllegalArgumentException("factor must be above 0 and at most 1000, not " + factor);
    }
    requirePositive(minutes);
    overrides.scale(factor, TimeUnit.MINUTES.toNanos(minutes));
    putPolicyInForce();
    operatorDid("every tier's rate and burst scaled by " + factor + " for " + minutes + " min",
        Map.of("action", "scaleRates", "factor", factor, "minutes", minutes));
  }

  @Override
  public void clearOverrides() {
    overrides.clear();
    putPolicyInForce();
    operatorDid("all tier overrides and rate scaling cleared", Map.of("action", "clearOverrides"));
  }

  private static void requirePositive(int minutes) {
    if (minutes <= 0) {
      throw new IllegalArgumentException("minutes must be positive, not " + minutes);
    }
  }

  private void operatorDid(String what, Map<String, Object> data) {
    AgentLog.info("override: " + what);
    mbeans.notify(AgentMBeans.OVERRIDE, what, data);
  }
}
