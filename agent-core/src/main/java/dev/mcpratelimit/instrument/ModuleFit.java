package dev.mcpratelimit.instrument;

import dev.mcpratelimit.runtime.AgentLog;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.stream.Collectors;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Whether a module applies in a class loader: its landmarks are there, no excluding landmark is,
 * and the loader has every symbol its advice uses. Decided once per loader (the loader's classes
 * do not change) and remembered weakly, so a web app's loader can still be collected.
 */
public final class ModuleFit implements ElementMatcher<ClassLoader> {

  /** The class every advice calls into. */
  static final String AGENT_GATE = "dev.mcpratelimit.gate.Gate";

  private final InstrumentationModule module;
  private final AdviceReferences references;
  /** Per loader: why the module does not fit ({@code null} if it does), and what deciding that read there. */
  private final Map<ClassLoader, Decided> misfits = new WeakHashMap<>();

  /** @param failed whether deciding failed (the advice could not be checked): no weave that depends on it is kept */
  private record Decided(String misfit, Set<WeaveInputs.Read> reads, boolean failed) {}

  ModuleFit(InstrumentationModule module, AdviceReferences references) {
    this.module = module;
    this.references = references;
  }

  /**
   * @param points the module's points, as built once
   * @param agentLoader where the module's advice classes are read from
   */
  public static ModuleFit of(InstrumentationModule module, List<InstrumentationPoint> points, ClassLoader agentLoader)
      throws IOException {
    Set<String> advice = new LinkedHashSet<>();
    for (InstrumentationPoint point : points) {
      point.advice.forEach(advised -> {
        advice.add(advised.enter());
        advice.add(advised.exit());
      });
    }
    return new ModuleFit(module, AdviceReferences.of(advice, agentLoader));
  }

  InstrumentationModule module() {
    return module;
  }

  @Override
  public boolean matches(ClassLoader loader) {
    return loader != null && misfit(loader) == null;
  }

  /** Why the module does not fit {@code loader}, or {@code null} if it does. */
  public synchronized String misfit(ClassLoader loader) {
    Decided decided = misfits.get(loader);
    if (decided == null) {
      try (WeaveInputs.Recording recording = WeaveInputs.record()) {
        String misfit = decide(loader);
        decided = new Decided(misfit, Set.copyOf(recording.reads()), recording.failed());
      }
      misfits.put(loader, decided);
      if (decided.misfit == null) {
        AgentLog.fine("module " + module.name() + " fits " + SdkVersion.of(loader) + " in " + loader);
      }
    } else {
      WeaveInputs.readAgain(decided.reads); // each class woven in the loader depends on the fit too
      if (decided.failed) {
        WeaveInputs.failed();
      }
    }
    return decided.misfit;
  }

  private String decide(ClassLoader loader) {
    List<String> absent = module.landmarks().stream().filter(name -> !has(loader, name)).toList();
    if (!absent.isEmpty()) {
      return "lacks " + String.join(", ", absent);
    }
    List<String> excluding = module.excludingLandmarks().stream().filter(name -> has(loader, name)).toList();
    if (!excluding.isEmpty()) {
      return "has " + String.join(", ", excluding) + " (another version range)";
    }
    try {
      List<AdviceReferences.Reference> missing = references.missingIn(loader);
      if (!missing.isEmpty()) {
        return "its advice needs " + missing.stream().limit(3).map(Object::toString).collect(Collectors.joining(", "))
            + (missing.size() > 3 ? " and " + (missing.size() - 3) + " more" : "") + ", which this version lacks";
      }
    } catch (RuntimeException | LinkageError e) {
      WeaveInputs.failed();
      return "its advice could not be checked (" + e + ")";
    }
    // The advice calls the agent: where the loader cannot see it, every call would throw NoClassDefFoundError.
    return has(loader, AGENT_GATE) ? null
        : "its class loader cannot see the agent's classes (" + AGENT_GATE + "): it does not delegate to the JVM's"
            + " application class loader";
  }

  private static boolean has(ClassLoader loader, String className) {
    String resource = className.replace('.', '/') + ".class";
    boolean present = loader.getResource(resource) != null;
    WeaveInputs.presence(resource, present);
    return present;
  }

  /** The reasons each of {@code fits} gives for {@code loader}, for one warning. */
  static String misfits(List<ModuleFit> fits, ClassLoader loader) {
    List<String> reasons = new ArrayList<>();
    for (ModuleFit fit : fits) {
      reasons.add(fit.module.name() + ": " + fit.misfit(loader));
    }
    return String.join("; ", reasons);
  }
}
