package dev.mcpratelimit.instrument;

import dev.mcpratelimit.runtime.AgentLog;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.TypeResolutionStrategy;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.pool.TypePool;
import net.bytebuddy.utility.JavaModule;

/**
 * Weaves the classes its rules name, each with every rule whose loader matcher accepts the class's
 * loader, in the order the rules were added: the class described by Byte Buddy's type pool over
 * the class file and the loader's other class files, decorated (no member added or removed, so a
 * loaded class can be retransformed), and made. It stands in for Byte Buddy's {@code AgentBuilder}
 * transformer, whose class initializer generates and loads a class of its own: about 100 ms and a
 * few hundred classes of every cold start, for a dispatch the agent does not need since it knows
 * every class it may change by name.
 */
final class Weaver implements ClassFileTransformer {

  private static final ByteBuddy DECORATING = new ByteBuddy().with(Implementation.Context.Disabled.Factory.INSTANCE);

  /** A transformation of the named classes, in the loaders {@code loaders} accepts. */
  private record Rule(ElementMatcher<? super ClassLoader> loaders, AgentBuilder.Transformer transformer) {}

  /** By internal class name, in the order added. */
  private final Map<String, List<Rule>> rules = new LinkedHashMap<>();
  private final NeverWoven never = new NeverWoven();

  /** Adds a rule for the classes with these binary names. */
  Weaver on(Collection<String> binaryNames, ElementMatcher<? super ClassLoader> loaders,
      AgentBuilder.Transformer transformer) {
    Rule rule = new Rule(loaders, transformer);
    binaryNames.forEach(name -> rules.computeIfAbsent(name.replace('.', '/'), n -> new ArrayList<>()).add(rule));
    return this;
  }

  /**
   * Registers it for every class loaded from now on and retransforms those already loaded (attach). A class that cannot be retransformed is
   * said once and stays as it is.
   */
  void installOn(Instrumentation instrumentation) {
    instrumentation.addTransformer(this, true);
    LoadedClasses.retransform(instrumentation, loaded -> {
      List<Rule> named = named(loaded.getClassLoader(), loaded.getName().replace('.', '/'));
      return named != null && named.stream().anyMatch(rule -> rule.loaders.matches(loaded.getClassLoader()));
    });
  }

  @Override
  public byte[] transform(Module module, ClassLoader loader, String className, Class<?> redefined,
      ProtectionDomain domain, byte[] bytes) {
    List<Rule> named = named(loader, className);
    return named == null ? null : transform(named, module, loader, className, domain, bytes);
  }

  @Override
  public byte[] transform(ClassLoader loader, String className, Class<?> redefined, ProtectionDomain domain,
      byte[] bytes) {
    List<Rule> named = named(loader, className);
    return named == null ? null : transform(named, null, loader, className, domain, bytes);
  }

  /** The rules for a class, or {@code null} if it is not a target or is {@link NeverWoven} (an SDK on the boot class path). */
  private List<Rule> named(ClassLoader loader, String className) {
    List<Rule> named = className == null ? null : rules.get(className);
    return named == null || never.refuses(loader, className) ? null : named;
  }

  /** Never throws: a class that cannot be woven is said and loads as it was. */
  private static byte[] transform(List<Rule> named, Module module, ClassLoader loader, String className,
      ProtectionDomain domain, byte[] bytes) {
    String name = className.replace('/', '.');
    try {
      return weave(named, module == null ? null : JavaModule.of(module), loader, name, domain, bytes);
    } catch (Throwable e) {
      WeaveInputs.failed();
      AgentLog.warning("could not instrument " + name + ", left as it was: " + e);
      return null;
    }
  }

  /**
   * The woven class file, or {@code null} if no rule applies in {@code loader}; a failure is thrown.
   * Unlike {@link #transform}, for any class: the warm-up weaves one of the agent's own.
   */
  byte[] weave(ClassLoader loader, String binaryName, byte[] bytes) {
    List<Rule> named = rules.get(binaryName.replace('.', '/'));
    return named == null ? null : weave(named, null, loader, binaryName, null, bytes);
  }

  private static byte[] weave(List<Rule> named, JavaModule module, ClassLoader loader, String name,
      ProtectionDomain domain, byte[] bytes) {
    List<AgentBuilder.Transformer> applying = new ArrayList<>();
    for (Rule rule : named) {
      if (rule.loaders.matches(loader)) {
        applying.add(rule.transformer);
      }
    }
    if (applying.isEmpty()) {
      return null;
    }
    // What the weave reads besides the class itself is recorded: it decides whether a later start may reuse it.
    ClassFileLocator locator = new ClassFileLocator.Compound(ClassFileLocator.Simple.of(name, bytes),
        RecordedLocator.of(loader));
    TypePool pool = AgentBuilder.PoolStrategy.Default.FAST.typePool(locator, loader, name);
    TypeDescription type = pool.describe(name).resolve();
    DynamicType.Builder<?> builder = DECORATING.decorate(type, locator);
    for (AgentBuilder.Transformer transformer : applying) {
      builder = transformer.transform(builder, type, loader, module, domain);
    }
    return builder.make(TypeResolutionStrategy.Disabled.INSTANCE, pool).getBytes();
  }
}
