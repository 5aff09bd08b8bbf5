package dev.mcpratelimit.instrument;

import dev.mcpratelimit.runtime.AgentLog;
import java.security.ProtectionDomain;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.utility.JavaModule;

/**
 * For a class that modules instrument, loaded where none of them fits (a version outside every
 * range, or one lacking a symbol the advice needs): changes nothing and says so, once per class
 * loader, with each module's reason. The host runs exactly as without the agent.
 */
final class MisfitWarning implements AgentBuilder.Transformer, ElementMatcher<ClassLoader> {

  private final List<ModuleFit> candidates;
  private final String lost;
  private final Set<ClassLoader> warned = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

  /** @param lost what stays undone in that loader, for the warning */
  MisfitWarning(List<ModuleFit> candidates, String lost) {
    this.candidates = candidates;
    this.lost = lost;
  }

  /** Matches the loaders where no candidate fits. */
  @Override
  public boolean matches(ClassLoader loader) {
    return loader != null && candidates.stream().noneMatch(fit -> fit.matches(loader));
  }

  @Override
  public DynamicType.Builder<?> transform(DynamicType.Builder<?> builder, TypeDescription type,
      ClassLoader loader, JavaModule module, ProtectionDomain protectionDomain) {
    if (warned.add(loader)) {
      AgentLog.warning(SdkVersion.of(loader) + " found (" + type.getName() + "), but no instrumentation fits it ("
          + ModuleFit.misfits(candidates, loader) + "): left uninstrumented; " + lost);
    }
    return builder;
  }
}
