package dev.mcpratelimit.runtime;

import dev.mcpratelimit.config.AgentConfig;
import dev.mcpratelimit.config.ConfigWatcher;
import dev.mcpratelimit.config.ConfigWatcher.Change;
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
import dev.mcpratelimit.store.OutageGuard;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
  /**
   * When the MBeans are registered unless a call comes first: the platform MBean server costs
   * about 100 ms of CPU to create, which a host's start should not share its CPUs with.
   */
  static final long MBEANS_AFTER_SECONDS = 2;

  private static volatile AgentRuntime current;

  private final NanoClock clock;
  private final StoreChoice store;
  private final StoreMetrics storeMetrics;
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
  private final EvictionWarning evictions;
  private final Consumer<AgentConfig> onConfig;
  private final AtomicBoolean mbeansRegistered = new AtomicBoolean();
  /** Where beans are registered: the maintenance thread once started, never a call's own thread. */
  private volatile Executor registrations = Runnable::run;

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
    this.store = new StoreChoice(clock, new InMemoryBucketStore(clock, defaults.maxBuckets()));
    this.storeMetrics = new StoreMetrics(store);
    store.observe(storeMetrics);
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
    this.watcher = file == null ? null : new ConfigWatcher(file, clock, new ConfigEvents(), AgentLog::warning);
    this.operator = new OperatorControls(policy, store, toolUsage, errors, watcher, mbeans, clock);
    this.evictions = new EvictionWarning(clock, store::forgivenEvictions, this::maxBuckets, AgentLog::warning);
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
        new AgentMBeans(ManagementFactory::getPlatformMBeanServer), onConfig);
    ScheduledExecutorService maintenance = daemonThread("mcp-ratelimit-maintenance");
    // The first read runs here, before the host's main: it opens only a regular file of bounded size.
    runtime.loadConfiguration();
    if (runtime.watcher != null) {
      // A thread of its own: whatever the file does, overrides still expire and buckets are swept.
      runtime.watcher.start(daemonThread("mcp-ratelimit-config"));
    }
    maintenance.scheduleWithFixedDelay(runtime::housekeeping, 1, 1, TimeUnit.SECONDS);
    // A task of its own: a probe may wait up to the Redis timeout.
    maintenance.scheduleWithFixedDelay(runtime::probeStore, 1, 1, TimeUnit.SECONDS);
    maintenance.scheduleWithFixedDelay(runtime::forgetFullBuckets, SWEEP_SECONDS, SWEEP_SECONDS, TimeUnit.SECONDS);
    // After the host's start, or at the first call counted (registering its usage needs them).
    maintenance.schedule(runtime::registerMBeans, MBEANS_AFTER_SECONDS, TimeUnit.SECONDS);
    runtime.registrations = maintenance;
    current = runtime;
    return runtime;
  }

  private static ScheduledExecutorService daemonThread(String name) {
    return Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true); // never keeps the host alive
      return thread;
    });
  }

  /**
   * Reads the file once (or takes the defaults without one) and acts on it: at start at once,
   * later once it has read the same twice.
   */
  void loadConfiguration() {
    if (watcher == null) {
      apply(AgentConfig.defaults());
    } else {
      watcher.poll();
    }
  }

  void registerMBeans() {
    if (!mbeansRegistered.compareAndSet(false, true)) {
      return;
    }
    try {
      mbeans.registerLimiter(operator);
      mbeans.registerViolations(violations::tracker);
      mbeans.registerStore(storeMetrics);
    } catch (Exception e) {
      AgentLog.warning("JMX beans not registered (" + e + "); limiting works, monitoring through JMX does not");
    }
  }

  /** Off the call's thread (an event loop, perhaps): the first may create the platform MBean server. */
  private void publishUsage(UsageKind kind, String tier, String name, UsageCounters.Usage counters) {
    try {
      registrations.execute(() -> {
        registerMBeans(); // a call before MBEANS_AFTER_SECONDS: the usage beans come with the others
        try {
          mbeans.registerUsage(kind, tier, name, counters);
        } catch (Exception e) {
          errors.record("JMX usage bean", e);
        }
      });
    } catch (RuntimeException e) {
      errors.record("JMX usage bean", e); // the maintenance thread is gone: only the beans are missing
    }
  }

  private void persistentViolator(Violator violator, long windowNanos) {
    AgentLog.warning("persistent violator: " + violator.caller() + " (tier " + violator.tier() + ") had "
        + violator.rejections() + " rejections within " + TimeUnit.NANOSECONDS.toSeconds(windowNanos) + " s");
    mbeans.notifyViolator(violator, windowNanos);
  }

  private void apply(AgentConfig config) {
    violations.configure(config.violations());
    store.choose(config);
    policy.apply(config);
    try {
      onConfig.accept(config);
    } catch (Throwable e) {
      errors.record("instrumenting the configured methods", e); // the limits are in force regardless
    }
  }

  /** The file's changes: put in force, logged once each and notified over JMX. */
  private final class ConfigEvents implements ConfigWatcher.Listener {
    @Override
    public void valid(AgentConfig config, Change change) {
      apply(config);
      String what = switch (change) {
        case START -> null; // the start line says it
        case APPEARED -> "valid; mode " + operator.getMode() + ", limits are in force (there were none until now)";
        case CHANGED -> "reloaded; mode " + operator.getMode() + ", the new limits are in force";
        case VALID_AGAIN -> "valid again, reloaded; mode " + operator.getMode() + ", the new limits are in force";
      };
      if (what != null) {
        AgentLog.info(config.source() + ": " + what);
        mbeans.notify(AgentMBeans.RELOAD, config.source() + ": " + what,
            Map.of("file", String.valueOf(config.source()), "mode", operator.getMode()));
      }
    }

    @Override
    public void invalid(String summary, int problems, boolean lastGoodInForce) {
      mbeans.notify(AgentMBeans.CONFIG_INVALID, summary,
          Map.of("file", String.valueOf(watcher.file()), "problems", problems, "lastGoodInForce", lastGoodInForce));
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
      evictions.check();
    } catch (Throwable e) { // an Error escaping would cancel this periodic task for good
      errors.record("housekeeping", e);
    }
  }

  /** Drops idle buckets that are full again, so memory follows the callers that are active. */
  private void forgetFullBuckets() {
    try {
      store.memory().sweep();
    } catch (Throwable e) { // an Error escaping would cancel this periodic task for good
      errors.record("bucket sweep", e);
    }
  }

  /** Asks Redis, while it is in an outage, whether it answers again. */
  void probeStore() {
    try {
      store.probe();
    } catch (Throwable e) { // an Error escaping would cancel this periodic task for good
      errors.record("Redis probe", e);
    }
  }

  /**
   * The Redis store's outage state (outages counted, decisions made without Redis), {@code null}
   * with the in-memory store. JMX ({@code type=Store}) and Prometheus read it through {@link StoreMetrics}.
   */
  public OutageGuard redisStore() {
    return store.redis();
  }

  /**
   * Whether a decision on this thread would wait for Redis on a thread that must never block (a
   * reactive server's event loop): then the dispatch is decided on a worker instead.
   */
  public boolean decisionWouldBlock() {
    OutageGuard redis = store.redis();
    return redis != null && redis.wouldBlock(Thread.currentThread());
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

  /** Whether the configuration in force believes some proxies' {@code X-Forwarded-For}. */
  public boolean trustsProxies() {
    InForce in = policy.current();
    return in != null && !in.config().identity().trustedProxies().isEmpty();
  }

  /** The HTTP header that carries API keys under the configuration in force. */
  public String identityHeader() {
    InForce in = policy.current();
    return in == null ? IdentitySettings.DEFAULT_HEADER : in.config().identity().header();
  }

  OperatorControls operator() {
    return operator;
  }

  /** Whether a valid configuration is in force (else nothing is limited). */
  public boolean limitsInForce() {
    return policy.current() != null;
  }

  /** For the start line: which configuration, mode and store are in force. */
  public String describe() {
    return "config " + (watcher == null ? "built-in defaults" : watcher.file()) + ", mode " + operator.getMode()
        + (store.redis() == null ? ", store memory (at most " + maxBuckets() + " buckets)" : ", " + store.describe());
  }

  private long maxBuckets() {
    InForce in = policy.current();
    return (in == null ? AgentConfig.defaults() : in.config()).maxBuckets();
  }

  /** The configured plain methods in force. */
  public List<MethodTarget> methods() {
    return policy.methods();
  }
}
