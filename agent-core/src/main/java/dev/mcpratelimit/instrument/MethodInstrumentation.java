package dev.mcpratelimit.instrument;

import static net.bytebuddy.matcher.ElementMatchers.any;
import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isNative;
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
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.matcher.ElementMatcher;

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
        ElementMatcher.Junction<MethodDescription> bodies = named(target.methodName()).and(not(isAbstract()))
            .and(not(isNative()));
        AgentBuilder.Transformer advice = new AgentBuilder.Transformer.ForAdvice()
            .include(RecordedLocator.of(agentLoader))
            .with(RecordedLocator.LOCATIONS)
            .advice(bodies, LimitedMethodAdvice.class.getName());
        weaver.on(List.of(target.className()), any(), (builder, type, loader, module, domain) -> {
          if (type.getDeclaredMethods().filter(bodies).isEmpty()) {
            AgentLog.warning("method." + target.name() + ".target: " + type.getName() + " declares no method "
                + target.methodName() + " with a body (it is abstract, native, inherited or missing): nothing is limited");
            return builder;
          }
          return advice.transform(builder, type, loader, module, domain);
        });
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
