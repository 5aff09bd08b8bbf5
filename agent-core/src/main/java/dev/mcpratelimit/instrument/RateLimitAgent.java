package dev.mcpratelimit.instrument;

import dev.mcpratelimit.config.MethodTarget;
import dev.mcpratelimit.runtime.AgentLog;
import dev.mcpratelimit.runtime.AgentRuntime;
import dev.mcpratelimit.runtime.AgentVersion;
import java.io.IOException;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.stream.Collectors;

/**
 * Entry points: {@code -javaagent:mcp-ratelimit-agent.jar[=ratelimit.properties]} ({@link #premain}) and
 * attaching to a running JVM ({@link #agentmain}, reached by
 * {@code java -jar mcp-ratelimit-agent.jar attach <pid> [ratelimit.properties]}).
 */
public final class RateLimitAgent {

  /** Method targets the start line names at most. */
  private static final int START_LINE_METHODS = 10;

  private RateLimitAgent() {}

  public static void premain(String argument, Instrumentation instrumentation) {
    install(argument, instrumentation, true);
  }

  public static void agentmain(String argument, Instrumentation instrumentation) {
    install(argument, instrumentation, false);
  }

  /**
   * Nothing the agent does may stop the host from starting.
   *
   * @param atJvmStart whether the host has loaded none of its own classes yet ({@code premain})
   */
  private static void install(String argument, Instrumentation instrumentation, boolean atJvmStart) {
    try {
      ClassLoader agentLoader = RateLimitAgent.class.getClassLoader();
      JvmStart jvmStart = atJvmStart && AgentRuntime.current() == null ? JvmStart.begin(instrumentation, agentLoader) : null;
      MethodWeaving methods = MethodWeaving.installOn(instrumentation);
      AgentRuntime runtime;
      try {
        // A reload's new methods are woven before it is said to be in force.
        runtime = AgentRuntime.start(argument, config -> methods.follow(config.methods()));
      } catch (Throwable e) {
        abandon(instrumentation, methods, jvmStart, e);
        throw e;
      }
      if (runtime == null) {
        abandon(instrumentation, methods, jvmStart, new IllegalStateException("already running"));
        AgentLog.warning("already running in this JVM; ignoring the second start");
        return;
      }
      methods.follow(runtime.methods());
      if (jvmStart == null) {
        new Instrumenter(instrumentation, agentLoader).installNow();
      }
      AgentLog.info(startLine(runtime));
    } catch (Throwable e) {
      AgentLog.warning("failed to start, the host runs unlimited: " + e);
    }
  }

  /** The agent did not start: nothing is woven, served from the cache or waited for. */
  private static void abandon(Instrumentation instrumentation, MethodWeaving methods, JvmStart jvmStart, Throwable why) {
    instrumentation.removeTransformer(methods);
    if (jvmStart != null) {
      jvmStart.abandon(why);
    }
  }

  /**
   * At JVM start no class the agent targets is loaded yet: the SDK's instrumentation is built on a
   * daemon thread, and a {@link DeferredTransformer} holds back any class it targets that loads
   * before it is ready. Nothing needs retransforming. Where the {@link WovenClassCache} knows the
   * host, or the jar's {@link ShippedWeaves} may serve it, the build waits until a class misses them.
   */
  private static final class JvmStart {

    /** Class loaders of the host's own checked for the SDK, after the system loader, before the build starts regardless. */
    private static final int LOADERS_CHECKED = 4;

    private final Instrumentation instrumentation;
    private final DeferredTransformer deferred;
    private final ClassFileTransformer transformer;

    private JvmStart(Instrumentation instrumentation, DeferredTransformer deferred, ClassFileTransformer transformer) {
      this.instrumentation = instrumentation;
      this.deferred = deferred;
      this.transformer = transformer;
    }

    static JvmStart begin(Instrumentation instrumentation, ClassLoader agentLoader) throws IOException {
      TargetTypes targets = TargetTypes.in(agentLoader);
      DeferredTransformer deferred = new DeferredTransformer(targets.waitedFor(),
          self -> daemon("mcp-ratelimit-instrumentation", () -> build(self, instrumentation, agentLoader)).start());
      WovenClassCache cache = WovenClassCache.open();
      ShippedWeaves shipped = ShippedWeaves.of(agentLoader);
      if (cache == null && shipped == null) {
        instrumentation.addTransformer(deferred, false);
        deferred.build();
        return new JvmStart(instrumentation, deferred, deferred);
      }
      boolean knownHost = cache != null && cache.knowsThisHost();
      CachedWeaving cached = CachedWeaving.before(deferred, cache, shipped, targets.notWaitedFor(),
          knownHost || shipped != null);
      instrumentation.addTransformer(cached, false);
      if (!cached.lazy()) {
        deferred.build();
      } else if (!knownHost) {
        Set<ClassLoader> checked = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));
        daemon("mcp-ratelimit-shipped-check", () -> checkShipped(shipped, targets, deferred, instrumentation,
            ClassLoader.getSystemClassLoader(), checked, 0)).start();
      }
      return new JvmStart(instrumentation, deferred, cached);
    }

    /**
     * Whether the jar ships the host's SDK woven, off the host's thread: if not, the build starts at
     * once. Where the JVM's class path has none of the target classes (Spring Boot's nested jars), in
     * the first class loader of the host's own that has some, once it defines a class: of the first
     * {@value #LOADERS_CHECKED} such loaders (then the build starts).
     *
     * @param checked the loaders checked so far (weakly)
     * @param loadersOfItsOwn how many of those are the host's own
     */
    private static void checkShipped(ShippedWeaves shipped, TargetTypes targets, DeferredTransformer deferred,
        Instrumentation instrumentation, ClassLoader loader, Set<ClassLoader> checked, int loadersOfItsOwn) {
      if (deferred.gaveUp()) {
        return; // the agent did not start: nothing would use the build
      }
      ShippedWeaves.Serving serving = shipped.serving(targets.internalNames(), loader);
      checked.add(loader);
      if (serving == ShippedWeaves.Serving.NONE && loadersOfItsOwn < LOADERS_CHECKED) {
        FirstApplicationLoader.await(instrumentation, checked::contains,
            found -> checkShipped(shipped, targets, deferred, instrumentation, found, checked, loadersOfItsOwn + 1));
      } else if (serving != ShippedWeaves.Serving.ALL && !deferred.gaveUp()) {
        AgentLog.fine("the jar does not ship this host's SDK woven: building the instrumentation now");
        deferred.build();
      }
    }

    void abandon(Throwable why) {
      instrumentation.removeTransformer(transformer);
      deferred.failed(why);
    }

    private static void build(DeferredTransformer deferred, Instrumentation instrumentation, ClassLoader agentLoader) {
      try {
        Instrumenter instrumenter = new Instrumenter(instrumentation, agentLoader);
        deferred.ready(instrumenter.build());
        if (!deferred.gaveUp()) { // else the agent did not start (said where it failed)
          instrumenter.warmUp();
        }
      } catch (Throwable e) {
        if (!deferred.gaveUp()) {
          AgentLog.warning("failed to instrument, the host runs unlimited: " + e);
        }
        deferred.failed(e);
      }
    }

    private static Thread daemon(String name, Runnable work) {
      Thread thread = new Thread(work, name);
      thread.setDaemon(true);
      return thread;
    }
  }

  private static String startLine(AgentRuntime runtime) {
    List<MethodTarget> targets = runtime.methods();
    // One line, however many targets the file has: the first few, then how many more.
    String methods = targets.stream().limit(START_LINE_METHODS).map(MethodTarget::toString).collect(Collectors.joining(", "))
        + (targets.size() > START_LINE_METHODS ? " and " + (targets.size() - START_LINE_METHODS) + " more" : "");
    // What the modules limit depends on the libraries the host loads later: each says so when it applies.
    String limited = "the MCP tool calls of every server library it fits (each is named when it loads)"
        + (methods.isEmpty() ? "" : " and methods " + methods);
    return "mcp-ratelimit-agent " + AgentVersion.current() + " started: " + runtime.describe()
        + (runtime.limitsInForce() ? "; limiting " + limited
            : "; NOTHING is limited until the configuration file is valid; then " + limited + " will be");
  }
}
