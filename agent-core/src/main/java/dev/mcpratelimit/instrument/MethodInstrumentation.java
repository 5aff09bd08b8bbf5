package dev.mcpratelimit.instrument;

import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;

import dev.mcpratelimit.config.MethodTarget;
import dev.mcpratelimit.runtime.AgentLog;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
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
  /** By {@code Class#method}: a target renamed by a reload is the same method, woven once. */
  private final Set<String> instrumented = new HashSet<>();

  MethodInstrumentation(Instrumentation instrumentation, Supplier<AgentBuilder> builders, ClassLoader agentLoader) {
    this.instrumentation = instrumentation;
    this.builders = builders;
    this.agentLoader = agentLoader;
  }

  /** Instruments the methods among {@code targets} not instrumented yet, classes already loaded too. */
  synchronized void follow(List<MethodTarget> targets) {
    AgentBuilder builder = extend(builders.get(), targets, new HashSet<>());
    if (builder != null) {
      builder.installOn(instrumentation);
    }
  }

  /**
   * {@code builder} extended by the methods among {@code targets} not instrumented yet; {@code null} if none.
   *
   * @param types gets the binary names of the classes it changes
   */
  synchronized AgentBuilder extend(AgentBuilder builder, List<MethodTarget> targets, Set<String> types) {
    List<MethodTarget> fresh = new ArrayList<>();
    for (MethodTarget target : targets) {
      if (instrumented.add(target.toString())) {
        builder = builder.type(named(target.className()))
            .transform(new AgentBuilder.Transformer.ForAdvice()
                .include(RecordedLocator.of(agentLoader))
                .with(RecordedLocator.LOCATIONS)
                .advice(named(target.methodName()).and(not(isAbstract())), LimitedMethodAdvice.class.getName()));
        fresh.add(target);
        types.add(target.className());
      }
    }
    if (fresh.isEmpty()) {
      return null;
    }
    AgentLog.fine("limiting methods " + fresh);
    return builder;
  }
}
