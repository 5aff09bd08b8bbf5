package dev.mcpratelimit.instrument;

import static net.bytebuddy.matcher.ElementMatchers.any;
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
import net.bytebuddy.agent.builder.AgentBuilder;

/**
 * Instruments the plain methods named by {@code method.<name>.target}: at class load time, or by
 * retransformation when the class is already loaded. Follows the configuration: a target added
 * by a reload is instrumented then; a removed one stays instrumented but is no longer limited.
 */
final class MethodInstrumentation {

  private final Instrumentation instrumentation;
  private final ClassLoader agentLoader;
  /** By {@code Class#method}: a target renamed by a reload is the same method, woven once. */
  private final Set<String> instrumented = new HashSet<>();

  MethodInstrumentation(Instrumentation instrumentation, ClassLoader agentLoader) {
    this.instrumentation = instrumentation;
    this.agentLoader = agentLoader;
  }

  /** Instruments the methods among {@code targets} not instrumented yet, classes already loaded too. */
  synchronized void follow(List<MethodTarget> targets) {
    Weaver weaver = new Weaver();
    if (extend(weaver, targets)) {
      weaver.installOn(instrumentation);
    }
  }

  /** Adds to {@code weaver} the methods among {@code targets} not instrumented yet; whether there were any. */
  synchronized boolean extend(Weaver weaver, List<MethodTarget> targets) {
    List<MethodTarget> fresh = new ArrayList<>();
    for (MethodTarget target : targets) {
      if (instrumented.add(target.toString())) {
        weaver.on(List.of(target.className()), any(), new AgentBuilder.Transformer.ForAdvice()
            .include(RecordedLocator.of(agentLoader))
            .with(RecordedLocator.LOCATIONS)
            .advice(named(target.methodName()).and(not(isAbstract())), LimitedMethodAdvice.class.getName()));
        fresh.add(target);
      }
    }
    if (fresh.isEmpty()) {
      return false;
    }
    AgentLog.fine("limiting methods " + fresh);
    return true;
  }
}
