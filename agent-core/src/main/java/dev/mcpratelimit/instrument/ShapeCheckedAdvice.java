package dev.mcpratelimit.instrument;

import dev.mcpratelimit.runtime.AgentLog;
import java.security.ProtectionDomain;
import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.utility.JavaModule;

/**
 * Applies a point's advice only when the class has exactly one method of the expected shape.
 * Anything else means a version the module does not know: the class is left alone and one warning
 * says so, rather than guessing at bytecode we have never seen. A point that applies says once
 * per class loader what it makes true.
 */
final class ShapeCheckedAdvice implements AgentBuilder.Transformer {

  private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

  private final String module;
  private final InstrumentationPoint point;
  private final AgentBuilder.Transformer advice;
  private final Set<ClassLoader> announced = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

  /** @param advice the point's advice and other transformations, applied when the shape is there */
  ShapeCheckedAdvice(String module, InstrumentationPoint point, AgentBuilder.Transformer advice) {
    this.module = module;
    this.point = point;
    this.advice = advice;
  }

  @Override
  public DynamicType.Builder<?> transform(DynamicType.Builder<?> builder, TypeDescription type,
      ClassLoader loader, JavaModule javaModule, ProtectionDomain protectionDomain) {
    int found = type.getDeclaredMethods().filter(point.shape).size();
    if (found == 0 && point.optional) {
      return builder;
    }
    if (found != 1) {
      if (WARNED.add(type.getName() + point.expected)) {
        AgentLog.warning(type.getName() + " of " + SdkVersion.of(loader) + " has " + found + " methods shaped like "
            + point.expected + " (module " + module + " expects one): a version it does not know, left"
            + " uninstrumented; " + point.lost);
      }
      return builder;
    }
    if (point.announces != null && loader != null && announced.add(loader)) {
      AgentLog.info("limiting " + point.announces + " (" + SdkVersion.of(loader) + ", module " + module + ")");
    }
    AgentLog.fine("instrumented " + type.getName() + " (" + point.expected + ")");
    return advice.transform(builder, type, loader, javaModule, protectionDomain);
  }
}
