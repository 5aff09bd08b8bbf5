package dev.mcpratelimit.instrument;

import dev.mcpratelimit.config.MethodTarget;
import dev.mcpratelimit.runtime.AgentLog;
import dev.mcpratelimit.runtime.AgentRuntime;
import dev.mcpratelimit.runtime.AgentVersion;
import java.io.IOException;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
      CompletableFuture<Instrumenter> installed = new CompletableFuture<>();
      CompletableFuture<List<MethodTarget>> methodsAtStart = new CompletableFuture<>();
      JvmStart jvmStart = atJvmStart && AgentRuntime.current() == null
          ? JvmStart.begin(instrumentation, agentLoader, methodsAtStart, installed) : null;
      AgentRuntime runtime;
      try {
        runtime = AgentRuntime.start(argument, config -> {
          Instrumenter instrumenter = installed.getNow(null);
          if (instrumenter == null && jvmStart != null) {
            instrumenter = jvmStart.reloaded(config.methods());
          }
          if (instrumenter != null) {
            instrumenter.follow(config.methods()); // before the reload is said to be in force
          }
        });
      } catch (Throwable e) {
        methodsAtStart.cancel(false); // the builder stops quietly: the catch below says why
        if (jvmStart != null) {
          jvmStart.abandon(e);
        }
        throw e;
      }
      if (runtime == null) {
        methodsAtStart.cancel(false);
        if (jvmStart != null) {
          jvmStart.abandon(new IllegalStateException("already running"));
        }
        AgentLog.warning("already running in this JVM; ignoring the second start");
        return;
      }
      if (jvmStart != null) {
        jvmStart.configured(runtime.methods());
        methodsAtStart.complete(runtime.methods());
      } else {
        Instrumenter instrumenter = new Instrumenter(instrumentation, agentLoader);
        instrumenter.installNow(runtime.methods());
        installed.complete(instrumenter);
        instrumenter.follow(runtime.methods()); // a reload while the classes were retransformed
      }
      AgentLog.info(startLine(runtime));
    } catch (Throwable e) {
      AgentLog.warning("failed to start, the host runs unlimited: " + e);
    }
  }

  /**
   * At JVM start no class the agent targets is loaded yet: the instrumentation is built on a
   * daemon thread (the modules while this thread reads the configuration, then the methods it
   * names), and a {@link DeferredTransformer} holds back any targeted class that loads before it
   * is ready. Nothing needs retransforming. With a {@link WovenClassCache} that already holds
   * classes, the build waits until a class misses it.
   */
  private static final class JvmStart {

    private final Instrumentation instrumentation;
    private final DeferredTransformer deferred;
    private final CachedWeaving cached;
    /** The instrumentation, once the builder made it. */
    private final CompletableFuture<Instrumenter> installed;
    /** The configured methods the instrumentation is built with ({@code Class#method}), once the file is read. */
    private volatile Set<String> methodsAtStart;

    private JvmStart(Instrumentation instrumentation, DeferredTransformer deferred, CachedWeaving cached,
        CompletableFuture<Instrumenter> installed) {
      this.instrumentation = instrumentation;
      this.deferred = deferred;
      this.cached = cached;
      this.installed = installed;
    }

    static JvmStart begin(Instrumentation instrumentation, ClassLoader agentLoader,
        CompletableFuture<List<MethodTarget>> methodsAtStart, CompletableFuture<Instrumenter> installed) throws IOException {
      TargetTypes targets = TargetTypes.in(agentLoader);
      DeferredTransformer deferred = new DeferredTransformer(targets.waitedFor(),
          self -> builder(self, instrumentation, agentLoader, methodsAtStart, installed).start());
      WovenClassCache cache = WovenClassCache.open();
      CachedWeaving cached = cache == null ? null : CachedWeaving.before(deferred, cache, targets.notWaitedFor());
      JvmStart start = new JvmStart(instrumentation, deferred, cached, installed);
      instrumentation.addTransformer(start.transformer(), false);
      if (cached == null || !cached.lazy()) {
        deferred.build();
      }
      return start;
    }

    /** The transformer registered for the JVM's start: the cache in front, if there is one. */
    private ClassFileTransformer transformer() {
      return cached == null ? deferred : cached;
    }

    /** The agent did not start: nothing is woven, served from the cache or waited for. */
    void abandon(Throwable why) {
      instrumentation.removeTransformer(transformer());
      deferred.failed(why);
    }

    /** The configuration is read, before the host's first class loads. */
    void configured(List<MethodTarget> methods) {
      // Classes never woven do not wait for the instrumentation (one the build itself loads would stall it).
      deferred.holdBack(methods.stream().filter(method -> !method.neverWoven()).map(MethodTarget::className).toList());
      if (cached != null) {
        cached.methods(methods);
      }
      methodsAtStart = woven(methods);
    }

    /**
     * A reload before the instrumentation exists. If it names methods the build does not weave, the
     * build is started if need be (a start served from the cache has none) and waited for, on the
     * watcher's thread, so that the reload is in force only once they are woven.
     *
     * @return the instrumentation to follow the methods with; {@code null} if none is needed, or it failed or came too late
     */
    Instrumenter reloaded(List<MethodTarget> methods) {
      Set<String> atStart = methodsAtStart;
      if (atStart == null || atStart.containsAll(woven(methods))) {
        return null;
      }
      deferred.build();
      try {
        return installed.get(DeferredTransformer.WAIT_SECONDS, TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        AgentLog.warning("the instrumentation was not ready " + DeferredTransformer.WAIT_SECONDS
            + " s after a reload named new methods; they are limited once it is");
        return null;
      } catch (ExecutionException e) {
        return null; // said where it failed
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }

    /** What method targets weave, by {@code Class#method} as the instrumentation keys them (a rename is no change). */
    private static Set<String> woven(List<MethodTarget> methods) {
      return methods.stream().map(MethodTarget::toString).collect(Collectors.toSet());
    }

    private static Thread builder(DeferredTransformer deferred, Instrumentation instrumentation, ClassLoader agentLoader,
        CompletableFuture<List<MethodTarget>> methodsAtStart, CompletableFuture<Instrumenter> installed) {
      Thread builder = new Thread(() -> {
        try {
          Instrumenter instrumenter = new Instrumenter(instrumentation, agentLoader);
          deferred.ready(instrumenter.build(methodsAtStart));
          installed.complete(instrumenter);
          instrumenter.follow(AgentRuntime.current().methods()); // a reload while this was being built
          instrumenter.warmUp();
        } catch (Throwable e) {
          deferred.failed(e);
          installed.completeExceptionally(e); // a reload waiting for it stops waiting
          if (!methodsAtStart.isCancelled()) { // else the runtime did not start (said where it failed) or already ran
            AgentLog.warning("failed to instrument, the host runs unlimited: " + e);
          }
        }
      }, "mcp-ratelimit-instrumentation");
      builder.setDaemon(true);
      deferred.buildsOn(builder);
      return builder;
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
