package dev.mcpratelimit.instrument;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.pool.TypePool;

/**
 * What every instrumentation module's own test checks against the library version it is compiled
 * against (on its test class path): the module fits it, each point's shape is there exactly once
 * (at most once if optional) in each of its classes that version has, and its advice weaves into
 * them (every {@code @Advice} binding resolves) into a class that still verifies.
 */
public final class ModuleConformance {

  private ModuleConformance() {}

  /** @return the classes checked, for the test to assert it saw the ones it expects */
  public static List<String> assertFitsItsOwnVersion(InstrumentationModule module) throws Exception {
    ClassLoader loader = module.getClass().getClassLoader();
    assertNull(ModuleFit.of(module, module.points(), loader).misfit(loader), module.name() + " must fit the version it is compiled against");
    ClassFileLocator locator = ClassFileLocator.ForClassLoader.of(loader);
    TypePool pool = TypePool.Default.of(locator);
    assertEquals(targets(module, false), listedTargets(module, false), module.name() + "'s " + TargetTypes.RESOURCE
        + " must list exactly the classes its points change (those the host's start waits for)");
    assertEquals(targets(module, true), listedTargets(module, true), module.name() + "'s " + TargetTypes.RESOURCE
        + " must mark exactly the classes its points change but do not wait for " + TargetTypes.NOT_WAITED_FOR);
    List<String> checked = new ArrayList<>();
    for (InstrumentationPoint point : module.points()) {
      for (String type : point.types) {
        TypePool.Resolution resolution = pool.describe(type);
        if (!resolution.isResolved()) {
          continue; // a class this version does not have: the point waits for versions that do
        }
        TypeDescription description = resolution.resolve();
        int found = description.getDeclaredMethods().filter(point.shape).size();
        if (point.optional) {
          assertTrue(found <= 1, type + ": " + found + " methods shaped like " + point.expected);
        } else {
          assertEquals(1, found, type + ": methods shaped like " + point.expected);
        }
        if (found == 1) {
          DynamicType.Builder<?> builder = new ByteBuddy().redefine(description, locator);
          byte[] woven = ModuleInstrumentation.transformer(point, loader).transform(builder, description, loader, null, null)
              .make().getBytes();
          assertTrue(woven.length > 0, type);
        }
        checked.add(type);
      }
    }
    return checked;
  }

  private static Set<String> targets(InstrumentationModule module, boolean notWaitedFor) {
    Set<String> types = new TreeSet<>();
    module.points().stream().filter(point -> point.notWaitedFor == notWaitedFor).forEach(point -> types.addAll(point.types));
    return types;
  }

  /** The module's own list (not a dependency module's): the one beside its classes. */
  private static Set<String> listedTargets(InstrumentationModule module, boolean notWaitedFor) throws Exception {
    URL classes = module.getClass().getProtectionDomain().getCodeSource().getLocation();
    try (InputStream in = new URL(classes, TargetTypes.RESOURCE).openStream()) {
      TargetTypes listed = TargetTypes.read(in);
      return new TreeSet<>(notWaitedFor ? listed.notWaitedFor() : listed.waitedFor());
    }
  }
}
