package dev.mcpratelimit.instrument;

import dev.mcpratelimit.runtime.AgentLog;
import java.security.ProtectionDomain;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.utility.JavaModule;

/**
 * Applies advice only when the class has exactly one method of the expected shape. Anything else
 * means an SDK version we do not know: the class is left alone and one warning says so, rather
 * than guessing at bytecode we have never seen.
 */
final class ShapeCheckedAdvice implements AgentBuilder.Transformer {

  private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

  private final String purpose;
  private final String expected;
  private final ElementMatcher<? super MethodDescription> shape;
  private final AgentBuilder.Transformer advice;

  /**
   * @param purpose what is lost if the shape is missing, for the warning
   * @param expected the method the advice expects, for the warning
   * @param advice the advice to apply when the shape is there (it may advise other methods too)
   */
  ShapeCheckedAdvice(String purpose, String expected, ElementMatcher<? super MethodDescription> shape,
      AgentBuilder.Transformer advice) {
    this.purpose = purpose;
    this.expected = expected;
    this.shape = shape;
    this.advice = advice;
  }

  @Override
  public DynamicType.Builder<?> transform(DynamicType.Builder<?> builder, TypeDescription type,
      ClassLoader loader, JavaModule module, ProtectionDomain protectionDomain) {
    int found = type.getDeclaredMethods().filter(shape).size();
    if (found != 1) {
      if (WARNED.add(type.getName() + expected)) {
        AgentLog.warning(type.getName() + " has " + found + " methods shaped like " + expected
            + " (MCP Java SDK 2.1.0 has one): an unknown SDK version, left uninstrumented; " + purpose);
      }
      return builder;
    }
    AgentLog.fine("instrumented " + type.getName() + " (" + expected + ")");
    return advice.transform(builder, type, loader, module, protectionDomain);
  }
}
