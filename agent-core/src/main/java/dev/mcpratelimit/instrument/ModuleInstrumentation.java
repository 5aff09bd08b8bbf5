package dev.mcpratelimit.instrument;

import dev.mcpratelimit.runtime.AgentLog;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.utility.JavaModule;

/**
 * The instrumentation modules in the agent jar, each applied where it fits (see {@link ModuleFit}),
 * and a {@link MisfitWarning} wherever a class they target loads but none fits.
 */
final class ModuleInstrumentation {

  private ModuleInstrumentation() {}

  /**
   * Adds every module's points to {@code weaver}.
   *
   * @return each module's fit
   */
  static List<ModuleFit> instrument(Weaver weaver, ClassLoader agentLoader) {
    List<ModuleFit> fits = new ArrayList<>();
    List<Family> families = new ArrayList<>();
    for (InstrumentationModule module : ServiceLoader.load(InstrumentationModule.class, agentLoader)) {
      List<InstrumentationPoint> points = module.points();
      ModuleFit fit;
      try {
        fit = ModuleFit.of(module, points, agentLoader);
      } catch (Exception e) {
        AgentLog.warning("module " + module.name() + " is broken and not used: " + e);
        continue;
      }
      fits.add(fit);
      for (InstrumentationPoint point : points) {
        weaver.on(point.types, fit, new ShapeCheckedAdvice(module.name(), point, transformer(point, agentLoader)));
        if (point.announces != null) {
          Family.join(families, point, fit);
        }
      }
    }
    for (Family family : families) {
      MisfitWarning warning = new MisfitWarning(family.fits, String.join("; ", family.lost));
      weaver.on(family.types, warning, warning);
    }
    return fits;
  }

  /**
   * The main classes of modules that stand in for each other (a class two modules target joins
   * them): where a family's class loads and none of its modules fits, one warning says so. Points
   * that only some ranges need (announcing nothing) do not count.
   */
  private static final class Family {
    final Set<String> types = new LinkedHashSet<>();
    final List<ModuleFit> fits = new ArrayList<>();
    final Set<String> lost = new LinkedHashSet<>();

    static void join(List<Family> families, InstrumentationPoint point, ModuleFit fit) {
      Family joined = null;
      for (Iterator<Family> it = families.iterator(); it.hasNext(); ) {
        Family family = it.next();
        if (family.fits.contains(fit) || point.types.stream().anyMatch(family.types::contains)) {
          if (joined == null) {
            joined = family;
          } else {
            joined.absorb(family);
            it.remove();
          }
        }
      }
      if (joined == null) {
        joined = new Family();
        families.add(joined);
      }
      joined.types.addAll(point.types);
      if (!joined.fits.contains(fit)) {
        joined.fits.add(fit);
      }
      joined.lost.add(point.lost);
    }

    private void absorb(Family other) {
      types.addAll(other.types);
      other.fits.stream().filter(fit -> !fits.contains(fit)).forEach(fits::add);
      lost.addAll(other.lost);
    }
  }

  /** The point's advice, then its other transformations. */
  static AgentBuilder.Transformer transformer(InstrumentationPoint point, ClassLoader agentLoader) {
    AgentBuilder.Transformer.ForAdvice advice = new AgentBuilder.Transformer.ForAdvice()
        .include(RecordedLocator.of(agentLoader))
        .with(RecordedLocator.LOCATIONS);
    for (InstrumentationPoint.Advised advised : point.advice) {
      advice = advised.enter().equals(advised.exit()) ? advice.advice(advised.methods(), advised.enter())
          : advice.advice(advised.methods(), advised.enter(), advised.exit());
    }
    List<AgentBuilder.Transformer> all = new ArrayList<>();
    all.add(advice);
    all.addAll(point.visitors);
    return new AgentBuilder.Transformer() {
      @Override
      public DynamicType.Builder<?> transform(DynamicType.Builder<?> builder, TypeDescription type,
          ClassLoader loader, JavaModule module, ProtectionDomain domain) {
        for (AgentBuilder.Transformer transformer : all) {
          builder = transformer.transform(builder, type, loader, module, domain);
        }
        return builder;
      }
    };
  }
}
