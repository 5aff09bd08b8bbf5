package dev.mcpratelimit.instrument;

import dev.mcpratelimit.runtime.AgentLog;
import java.lang.instrument.Instrumentation;
import java.util.function.Predicate;

/** Retransforming the classes already loaded that a transformer now changes (attach, a reload). */
final class LoadedClasses {

  private LoadedClasses() {}

  /**
   * Retransforms every loaded class that {@code changed} accepts and the JVM can modify; a class that
   * cannot be retransformed is said once and stays as it is.
   */
  static void retransform(Instrumentation instrumentation, Predicate<Class<?>> changed) {
    for (Class<?> loaded : instrumentation.getAllLoadedClasses()) {
      if (changed.test(loaded) && instrumentation.isModifiableClass(loaded)) {
        try {
          instrumentation.retransformClasses(loaded);
        } catch (Throwable e) {
          AgentLog.warning("could not instrument the loaded " + loaded.getName() + ", left as it was: " + e);
        }
      }
    }
  }
}
