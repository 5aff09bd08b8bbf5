package dev.mcpratelimit.runtime;

import dev.mcpratelimit.config.AgentConfig;
import dev.mcpratelimit.config.ConfigWatcher;
import dev.mcpratelimit.config.MethodTarget;
import dev.mcpratelimit.core.NanoClock;
import dev.mcpratelimit.identity.IdentitySettings;
import dev.mcpratelimit.metrics.AgentMBeans;
import dev.mcpratelimit.metrics.AgentMBeans.UsageKind;
import dev.mcpratelimit.metrics.RejectionLog;
import dev.mcpratelimit.metrics.UsageCounters;
import dev.mcpratelimit.metrics.ViolationTracker.Violator;
import dev.mcpratelimit.runtime.LivePolicy.InForce;
import dev.mcpratelimit.store.InMemoryBucketStore;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The agent in the host JVM: builds its parts, puts configurations in force, and runs its
 * background work. One per JVM, started by {@code premain} or {@code agentmain}; tests build
 * their own with a fake clock.
 */
public final class AgentRuntime {

  /** Rejection log lines per interval before the rest are only summed up. */
  static final int LOGGED_REJECTIONS = 10;
  static final long LOG_INTERVAL_SECONDS = 10;
  /** How often idle, full buckets are forgotten. */
  static final long SWEEP_SECONDS = 10;

  private static volatile AgentRuntime current;

  private final NanoClock clock;
  private final InMemoryBucketStore store;
  private final InternalErrors errors = new InternalErrors();
  private final LivePolicy policy;
  private final AgentMBeans mbeans;
  private final UsageCounters toolUsage;
  private final UsageCounters methodUsage;
  private final ViolationWatch violations;
  private final RejectionLog rejectionLog;
  private final ToolCallGuard toolCalls;
  private final MethodGuard methodCalls;
  private final OperatorControls operator;
  private final ConfigWatcher watcher;
  private final Consumer<AgentConfig> onConfig;

  /**
   * @param file the configuration file, or {@code null} for the built-in defaults
   * @param onConfig told about every configuration put in force (the instrumentation follows
   *     method targets with it)
   */
  AgentRuntime(Path file, NanoClock clock, LongSupplier epochMillis, AgentMBeans mbeans, Consumer<AgentConfig> onConfig) {
    this.clock = clock;
    this.mbeans = mbeans;
    this.onConfig = onConfig;
    AgentConfig defaults = AgentConfig.defaults();
    this.store = new InMemoryBucketStore(clock, defaults.maxBuckets());
    this.policy = new LivePolicy(store, clock);
    this.toolUsage = new UsageCounters((tier, tool, counters) -> publishUsage(UsageKind.TOOL, tier, tool, counters));
    this.methodUsage = new UsageCounters((tier, method, counters) -> publishUsage(UsageKind.METHOD, tier, method, counters));
    this.violations = new ViolationWatch(clock, defaults.violations(), this::persistentViolator);
    this.rejectionLog = new RejectionLog(clock, LOGGED_REJECTIONS, TimeUnit.SECONDS.toNanos(LOG_INTERVAL_SECONDS),
        AgentLog::info);
    // Methods are counted apart: one inside a tool call is part of an MCP call already counted.
    this.toolCalls = new ToolCallGuard(policy, new DecisionObservers(List.of(toolUsage, violations, rejectionLog)),
        errors, clock, epochMillis);
    this.methodCalls = new MethodGuard(policy, new DecisionObservers(List.of(methodUsage, violations, rejectionLog)),
        errors);
    this.watcher = file == null ? null : new ConfigWatcher(file, clock, this::apply, AgentLog::warning);
    this.operator = new OperatorControls(policy, store, toolUsage, errors, watcher, mbeans, clock);
  }

  /** The running agent, or {@code null} before it started (advice then lets everything through). */
  public static AgentRuntime current() {
    return current;
  }

  /**
   * Starts the agent once per JVM.
   *
   * @param argument the agent argument: a properties file path, or empty for the defaults
   * @return the runtime, or {@code null} if one was already running
   */
  public static synchronized AgentRuntime start(String argument, Consumer<AgentConfig> onConfig) {
    if (current != null) {
      return null;
    }
    Path file = argument == null || argument.isBlank() ? null : Path.of(argument.strip());
    AgentRuntime runtime = new AgentRuntime(file, NanoClock.system(), System::currentTimeMillis,
        new AgentMBeans(ManagementFactory.getPlatformMBeanServer()), onConfig);
    ScheduledExecutorService maintenance = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "mcp-ratelimit-maintenance");
      thread.setDaemon(true); // never keeps the host alive
      return thread;
    });
    runtime.loadConfiguration();
    if (runtime.watcher != null) {
      runtime.watcher.start(maintenance);
    }
    maintenance.scheduleWithFixedDelay(runtime::housekeeping, 1, 1, TimeUnit.SECONDS);
    maintenance.scheduleWithFixedDelay(runtime::forgetFullBuckets, SWEEP_SECONDS, SWEEP_SECONDS, TimeUnit.SECONDS);
    runtime.registerMBeans();
    current = runtime;
    return runtime;
  }

  /** Reads the file once (or takes the defaults without one) and puts what is valid in force. */
  void loadConfiguration() {
    if (watcher == null) {
      apply(AgentConfig.defaults());
    } else {
      watcher.poll();
    }
  }

  void registerMBeans() {
    try {
      mbeans.registerLimiter(operator);
      mbeans.registerViolations(violations::tracker);
    } catch (Exception e) {
      AgentLog.warning("JMX beans not registered (" + e + "); limiting works, monitoring through JMX does not");
    }
  }

  private void publishUsage(UsageKind kind, String tier, String name, UsageCounters.Usage counters) {
    try {
      mbeans.registerUsage(kind, tier, name, counters);
    } catch (Exception e) {
      errors.record("JMX usage bean", e);
    }
  }

  private void persistentViolator(Violator violator, long windowNanos) {
    AgentLog.warning("persistent violator: " + violator.caller() + " (tier " + violator.tier() + ") had "
        + violator.rejections() + " rejections within " + TimeUnit.NANOSECONDS.toSeconds(windowNanos) + " s");
    mbeans.notifyViolator(violator, windowNanos);
  }

  private void apply(AgentConfig config) {
    boolean reload = policy.current() != null;
    violations.configure(config.violations());
    store.setMaxBuckets(config.maxBuckets());
    policy.apply(config);
    onConfig.accept(config);
    if (reload) {
      String mode = operator.getMode();
      AgentLog.info(config.source() + ": reloaded; mode " + mode + ", the new limits are in force");
      mbeans.notify(AgentMBeans.RELOAD, config.source() + " reloaded",
          Map.of("file", String.valueOf(config.source()), "mode", mode));
    }
  }

  /** Runs every second: ends overrides whose time is up, and tells how a rejection flood went. */
  void housekeeping() {
    try {
      for (String line : policy.expire(clock.nanoTime())) {
        AgentLog.info("override: " + line);
        mbeans.notify(AgentMBeans.OVERRIDE, line, Map.of("action", "expired"));
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

  public ToolCallGuard toolCalls() {
    return toolCalls;
  }

  public MethodGuard methodCalls() {
    return methodCalls;
  }

  public InternalErrors errors() {
    return errors;
  }

  /** The HTTP header that carries API keys under the configuration in force. */
  public String identityHeader() {
    InForce in = policy.current();
    return in == null ? IdentitySettings.DEFAULT_HEADER : in.config().identity().header();
  }

  OperatorControls operator() {
    return operator;
  }

  /** For the start line: which configuration, mode and store are in force. */
  public String describe() {
    InForce in = policy.current();
    long maxBuckets = (in == null ? AgentConfig.defaults() : in.config()).maxBuckets();
    return "config " + (watcher == null ? "built-in defaults" : watcher.file()) + ", mode " + operator.getMode()
        + ", store memory (at most " + maxBuckets + " buckets)";
  }

  /** The configured plain methods in force. */
  public List<MethodTarget> methods() {
    return policy.methods();
  }
}
