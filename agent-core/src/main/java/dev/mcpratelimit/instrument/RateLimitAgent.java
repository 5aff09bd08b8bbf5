package dev.mcpratelimit.instrument;

import dev.mcpratelimit.config.MethodTarget;
import dev.mcpratelimit.runtime.AgentLog;
import dev.mcpratelimit.runtime.AgentRuntime;
import dev.mcpratelimit.runtime.AgentVersion;
import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * Entry points: {@code -javaagent:mcp-ratelimit-agent.jar[=ratelimit.properties]} ({@link #premain}) and
 * attaching to a running JVM ({@link #agentmain}, reached by
 * {@code java -jar mcp-ratelimit-agent.jar attach <pid> [ratelimit.properties]}).
 */
public final class RateLimitAgent {

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
      AtomicReference<Instrumenter> installed = new AtomicReference<>();
      CompletableFuture<AgentRuntime> started = new CompletableFuture<>();
      DeferredTransformer deferred = atJvmStart && AgentRuntime.current() == null
          ? buildInBackground(instrumentation, agentLoader, started, installed) : null;
      AgentRuntime runtime;
      try {
        runtime = AgentRuntime.start(argument, config -> {
          Instrumenter instrumenter = installed.get();
          if (instrumenter != null) {
            instrumenter.follow(config.methods());
          }
        });
      } catch (Throwable e) {
        started.cancel(false); // the builder stops quietly: the catch below says why
        throw e;
      }
      if (runtime == null) {
        started.cancel(false);
        AgentLog.warning("already running in this JVM; ignoring the second start");
        return;
      }
      if (deferred != null) {
        deferred.holdBack(runtime.methods().stream().map(MethodTarget::className).toList());
        started.complete(runtime);
      } else {
        Instrumenter instrumenter = new Instrumenter(instrumentation, agentLoader);
        instrumenter.installNow(runtime.methods());
        installed.set(instrumenter);
        instrumenter.follow(runtime.methods()); // a reload while the classes were retransformed
      }
      AgentLog.info(startLine(runtime));
    } catch (Throwable e) {
      AgentLog.warning("failed to start, the host runs unlimited: " + e);
    }
  }

  /**
   * At JVM start no class the agent targets is loaded yet: the instrumentation is built on a
   * daemon thread from the start of {@code premain} (the modules while this thread reads the
   * configuration, then the methods it names), and a {@link DeferredTransformer} holds back any
   * targeted class that loads before it is ready. Nothing needs retransforming.
   */
  private static DeferredTransformer buildInBackground(Instrumentation instrumentation, ClassLoader agentLoader,
      CompletableFuture<AgentRuntime> started, AtomicReference<Instrumenter> installed) throws IOException {
    DeferredTransformer deferred = new DeferredTransformer(TargetTypes.in(agentLoader));
    instrumentation.addTransformer(deferred, false);
    Thread builder = new Thread(() -> {
      try {
        Instrumenter instrumenter = new Instrumenter(instrumentation, agentLoader);
        deferred.ready(instrumenter.build(started.thenApply(AgentRuntime::methods)));
        installed.set(instrumenter);
        instrumenter.follow(started.get().methods()); // a reload while this was being built
        instrumenter.warmUp();
      } catch (Throwable e) {
        deferred.failed(e);
        if (!started.isCancelled()) { // else the runtime did not start (said where it failed) or already ran
          AgentLog.warning("failed to instrument, the host runs unlimited: " + e);
        }
      }
    }, "mcp-ratelimit-instrumentation");
    builder.setDaemon(true);
    try {
      builder.start();
    } catch (Throwable e) {
      deferred.failed(e); // no targeted class may wait for a build that never runs
      throw e;
    }
    return deferred;
  }

  private static String startLine(AgentRuntime runtime) {
    String methods = runtime.methods().stream().map(MethodTarget::toString).collect(Collectors.joining(", "));
    // What the modules limit depends on the libraries the host loads later: each says so when it applies.
    String limited = "the MCP tool calls of every server library it fits (each is named when it loads)"
        + (methods.isEmpty() ? "" : " and methods " + methods);
    return "mcp-ratelimit-agent " + AgentVersion.current() + " started: " + runtime.describe()
        + (runtime.limitsInForce() ? "; limiting " + limited
            : "; NOTHING is limited until the configuration file is valid; then " + limited + " will be");
  }
}
