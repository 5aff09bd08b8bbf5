package dev.mcpratelimit.instrument;

import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;

import dev.mcpratelimit.config.AgentConfig;
import dev.mcpratelimit.config.MethodTarget;
import dev.mcpratelimit.runtime.AgentLog;
import java.lang.instrument.Instrumentation;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import net.bytebuddy.agent.builder.AgentBuilder;

/**
 * Instruments the plain methods named by {@code method.<name>.target}: at class load time, or by
 * retransformation when the class is already loaded. Follows the configuration: a target added
 * by a reload is instrumented then; a removed one stays instrumented but is no longer limited.
 */
final class MethodInstrumentation {

  private final Instrumentation instrumentation;
  private final Supplier<AgentBuilder> builders;
  private final ClassLoader agentLoader;
  private final Set<MethodTarget> instrumented = new HashSet<>();

  MethodInstrumentation(Instrumentation instrumentation, Supplier<AgentBuilder> builders, ClassLoader agentLoader) {
    this.instrumentation = instrumentation;
    this.builders = builders;
    this.agentLoader = agentLoader;
  }

  synchronized void follow(AgentConfig config) {
    List<MethodTarget> fresh = config.methods().stream()
        .filter(target -> !instrumented.contains(target))
        .toList();
    if (fresh.isEmpty()) {
      return;
    }
    AgentBuilder builder = builders.get();
    for (MethodTarget target : fresh) {
      builder = builder.type(named(target.className()))
          .transform(new AgentBuilder.Transformer.ForAdvice()
              .include(agentLoader)
              .advice(named(target.methodName()).and(not(isAbstract())), LimitedMethodAdvice.class.getName()));
      instrumented.add(target);
    }
    builder.installOn(instrumentation);
    AgentLog.fine("limiting methods " + fresh);
  }
}
