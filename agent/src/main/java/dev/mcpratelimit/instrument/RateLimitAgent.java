package dev.mcpratelimit.instrument;

import static net.bytebuddy.matcher.ElementMatchers.any;
import static net.bytebuddy.matcher.ElementMatchers.isBootstrapClassLoader;
import static net.bytebuddy.matcher.ElementMatchers.isExtensionClassLoader;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;

import dev.mcpratelimit.config.MethodTarget;
import dev.mcpratelimit.runtime.AgentLog;
import dev.mcpratelimit.runtime.AgentRuntime;
import dev.mcpratelimit.runtime.AgentVersion;
import java.lang.instrument.Instrumentation;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import net.bytebuddy.agent.builder.AgentBuilder;

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
      AtomicBoolean installed = new AtomicBoolean();
      // At JVM start no class the agent targets is loaded yet, so the pass over every loaded class
      // that retransformation needs would find nothing; a target added by a later reload may be loaded.
      MethodInstrumentation methods = new MethodInstrumentation(instrumentation,
          () -> baseBuilder(!atJvmStart || installed.get()), agentLoader);
      AgentRuntime runtime = AgentRuntime.start(argument, methods::follow);
      if (runtime == null) {
        AgentLog.warning("already running in this JVM; ignoring the second start");
        return;
      }
      McpSdkInstrumentation.instrument(baseBuilder(!atJvmStart), agentLoader).installOn(instrumentation);
      installed.set(true);
      AgentLog.info(startLine(runtime));
    } catch (Throwable e) {
      AgentLog.warning("failed to start, the host runs unlimited: " + e);
    }
  }

  /** @param retransform whether classes already loaded are instrumented too (attach, a reload's new target) */
  private static AgentBuilder baseBuilder(boolean retransform) {
    return new AgentBuilder.Default()
        .disableClassFormatChanges()
        .with(retransform ? AgentBuilder.RedefinitionStrategy.RETRANSFORMATION : AgentBuilder.RedefinitionStrategy.DISABLED)
        .with(AgentBuilder.TypeStrategy.Default.DECORATE)
        .with(new AgentBuilder.Listener.Adapter() {
          @Override
          public void onError(String typeName, ClassLoader loader, net.bytebuddy.utility.JavaModule module,
              boolean loaded, Throwable error) {
            AgentLog.warning("could not instrument " + typeName + ", left as it was: " + error);
          }
        })
        // The JDK's own classes are never targets: matching them costs for nothing.
        .ignore(nameStartsWith("dev.mcpratelimit.")).or(any(), isBootstrapClassLoader().or(isExtensionClassLoader()));
  }

  private static String startLine(AgentRuntime runtime) {
    String methods = runtime.methods().stream().map(MethodTarget::toString).collect(Collectors.joining(", "));
    return "mcp-ratelimit-agent " + AgentVersion.current() + " started: " + runtime.describe()
        + "; limiting MCP SDK tools/call (sync, async, stateless; stdio and servlet HTTP)"
        + (methods.isEmpty() ? "" : " and methods " + methods);
  }
}
