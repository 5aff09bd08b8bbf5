package dev.mcpratelimit.gate;

import dev.mcpratelimit.config.AgentConfig;
import dev.mcpratelimit.config.ConfigWatcher;
import dev.mcpratelimit.config.MethodTarget;
import dev.mcpratelimit.core.NanoClock;
import dev.mcpratelimit.core.RateLimiter;
import dev.mcpratelimit.store.InMemoryBucketStore;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The agent's state in the host JVM: the limiter, the configuration in force and how callers are
 * resolved under it. One per JVM, created by {@code premain} or {@code agentmain}.
 */
public final class AgentRuntime {

  private static volatile AgentRuntime current;

  private final RateLimiter limiter;
  private final InMemoryBucketStore store;
  private final InternalErrors errors = new InternalErrors();
  private final Path file;
  private final Consumer<AgentConfig> onConfig;
  private volatile Settings settings;

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
    this.store = new InMemoryBucketStore(NanoClock.system(), AgentConfig.defaults().maxBuckets());
    this.limiter = new RateLimiter(store, null);
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
      ConfigWatcher watcher = new ConfigWatcher(runtime.file, NanoClock.system(), runtime::apply, AgentLog::warning);
      watcher.poll();
      watcher.start();
    }
    current = runtime;
    return runtime;
  }

  private void apply(AgentConfig config) {
    boolean reload = settings != null;
    store.setMaxBuckets(config.maxBuckets());
    settings = Settings.of(config);
    limiter.update(config.policy());
    onConfig.accept(config);
    if (reload) {
      AgentLog.info(file + ": reloaded; mode " + mode() + ", the new limits are in force");
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
    return in == null ? List.of() : in.config.methods();
  }

  public String mode() {
    Settings in = settings;
    return in == null ? "none (no valid configuration)" : in.config.policy().mode().name().toLowerCase();
  }

  public String storeDescription() {
    Settings in = settings;
    long max = in == null ? AgentConfig.defaults().maxBuckets() : in.config.maxBuckets();
    return "memory (at most " + max + " buckets)";
  }
}
