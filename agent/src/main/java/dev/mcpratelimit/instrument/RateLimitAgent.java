package dev.mcpratelimit.instrument;

import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;

import dev.mcpratelimit.config.MethodTarget;
import dev.mcpratelimit.runtime.AgentLog;
import dev.mcpratelimit.runtime.AgentRuntime;
import dev.mcpratelimit.runtime.AgentVersion;
import java.lang.instrument.Instrumentation;
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
    install(argument, instrumentation);
  }

  public static void agentmain(String argument, Instrumentation instrumentation) {
    install(argument, instrumentation);
  }

  /** Nothing the agent does may stop the host from starting. */
  private static void install(String argument, Instrumentation instrumentation) {
    try {
      ClassLoader agentLoader = RateLimitAgent.class.getClassLoader();
      MethodInstrumentation methods = new MethodInstrumentation(instrumentation, RateLimitAgent::baseBuilder, agentLoader);
      AgentRuntime runtime = AgentRuntime.start(argument, methods::follow);
      if (runtime == null) {
        AgentLog.warning("already running in this JVM; ignoring the second start");
        return;
      }
      McpSdkInstrumentation.instrument(baseBuilder(), agentLoader).installOn(instrumentation);
      AgentLog.info(startLine(runtime));
    } catch (Throwable e) {
      AgentLog.warning("failed to start, the host runs unlimited: " + e);
    }
  }

  /** Retransforms classes already loaded (attach, or a method target added by a reload). */
  private static AgentBuilder baseBuilder() {
    return new AgentBuilder.Default()
        .disableClassFormatChanges()
        .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
        .with(AgentBuilder.TypeStrategy.Default.DECORATE)
        .with(new AgentBuilder.Listener.Adapter() {
          @Override
          public void onError(String typeName, ClassLoader loader, net.bytebuddy.utility.JavaModule module,
              boolean loaded, Throwable error) {
            AgentLog.warning("could not instrument " + typeName + ", left as it was: " + error);
          }
        })
        .ignore(nameStartsWith("dev.mcpratelimit.").or(nameStartsWith("net.bytebuddy.")));
  }

  private static String startLine(AgentRuntime runtime) {
    String methods = runtime.methods().stream().map(MethodTarget::toString).collect(Collectors.joining(", "));
    return "mcp-ratelimit-agent " + AgentVersion.current() + " started: " + runtime.describe()
        + "; limiting MCP SDK tools/call (sync, async, stateless; stdio and servlet HTTP)"
        + (methods.isEmpty() ? "" : " and methods " + methods);
  }
}
