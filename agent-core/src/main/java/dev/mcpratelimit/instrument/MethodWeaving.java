package dev.mcpratelimit.instrument;

import dev.mcpratelimit.config.MethodTarget;
import dev.mcpratelimit.runtime.AgentLog;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Weaves the plain methods named by {@code method.<name>.target} ({@link LimitedMethodWeave}), from
 * the agent's start: at class load, or by retransforming the class when it is loaded already (attach,
 * or a reload that names it). Follows the configuration: a target added by a reload is woven before
 * the reload is in force; a removed one stays woven but is no longer limited. Never a class that
 * is {@link NeverWoven}: a target naming one is said once and left alone.
 */
final class MethodWeaving implements ClassFileTransformer {

  private final Instrumentation instrumentation;
  /** By internal class name, then method name: the gate's key, {@code Class#method} (a renamed target is woven once). */
  private final Map<String, Map<String, String>> targets = new ConcurrentHashMap<>();
  /** The target each method was named by first, for what is said of it. */
  private final Map<String, MethodTarget> named = new ConcurrentHashMap<>();
  private final NeverWoven never = new NeverWoven();
  /** Target classes loaded where the agent cannot be seen, each said once. */
  private final Set<String> hidden = ConcurrentHashMap.newKeySet();

  private MethodWeaving(Instrumentation instrumentation) {
    this.instrumentation = instrumentation;
  }

  /** Registered for every class loaded from now on, and for retransformations; no target yet. */
  static MethodWeaving installOn(Instrumentation instrumentation) {
    MethodWeaving weaving = new MethodWeaving(instrumentation);
    instrumentation.addTransformer(weaving, true);
    return weaving;
  }

  /** Weaves the methods among {@code configured} not woven yet, retransforming their classes if loaded. */
  synchronized void follow(List<MethodTarget> configured) {
    List<MethodTarget> fresh = new ArrayList<>();
    for (MethodTarget target : configured) {
      if (target.neverWoven()) {
        continue; // its line in the file was warned of
      }
      if (named.putIfAbsent(target.toString(), target) == null) {
        targets.compute(target.className().replace('.', '/'), (type, methods) -> {
          Map<String, String> more = methods == null ? new ConcurrentHashMap<>() : methods;
          more.put(target.methodName(), target.toString());
          return more;
        });
        fresh.add(target);
      }
    }
    if (fresh.isEmpty()) {
      return;
    }
    AgentLog.fine("limiting methods " + fresh);
    Set<String> classes = fresh.stream().map(MethodTarget::className).collect(Collectors.toSet());
    LoadedClasses.retransform(instrumentation,
        loaded -> classes.contains(loaded.getName()) && !DeferredTransformer.jdksOwn(loaded.getClassLoader()));
  }

  @Override
  public byte[] transform(Module module, ClassLoader loader, String className, Class<?> redefined,
      ProtectionDomain domain, byte[] bytes) {
    return transform(loader, className, redefined, domain, bytes);
  }

  /** Never throws: a class that cannot be woven is said and loads as it was. */
  @Override
  public byte[] transform(ClassLoader loader, String className, Class<?> redefined, ProtectionDomain domain,
      byte[] bytes) {
    Map<String, String> methods = className == null ? null : targets.get(className);
    if (methods == null || never.refuses(loader, className)) {
      return null;
    }
    String name = className.replace('/', '.');
    if (loader.getResource(ModuleFit.AGENT_GATE.replace('.', '/') + ".class") == null) {
      // the gate's call would throw NoClassDefFoundError at every call of the method
      if (hidden.add(className)) {
        AgentLog.warning(name + " is loaded where the agent's classes cannot be seen (its class loader does not"
            + " delegate to the JVM's application class loader): it is not instrumented");
      }
      return null;
    }
    try {
      Map<String, String> weaving = Map.copyOf(methods);
      LimitedMethodWeave.Result result = LimitedMethodWeave.weave(bytes, weaving);
      weaving.forEach((method, key) -> {
        String target = "method." + named.get(key).name() + ".target: " + name;
        List<String> tooLarge = result.tooLarge().stream().filter(large -> large.startsWith(method + "(")).toList();
        tooLarge.forEach(large -> AgentLog.warning(target + "." + large
            + " is too large to take the gate's call (64 KB of code): that method is not limited"));
        if (!result.woven().contains(method) && tooLarge.isEmpty()) {
          AgentLog.warning(target + " declares no method " + method
              + " with a body (it is abstract, native, inherited or missing): nothing is limited");
        }
      });
      if (!result.woven().isEmpty()) {
        AgentLog.fine("limiting " + name + "#" + String.join(", #", new TreeSet<>(result.woven())));
      }
      return result.bytes();
    } catch (Throwable e) {
      AgentLog.warning("could not instrument " + name + ", left as it was: " + e);
      return null;
    }
  }
}
