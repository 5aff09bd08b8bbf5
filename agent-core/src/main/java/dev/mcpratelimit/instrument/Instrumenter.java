package dev.mcpratelimit.instrument;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.util.List;

/**
 * Everything that touches Byte Buddy, apart from {@link RateLimitAgent} so that the JVM's start
 * loads none of its classes on the host's thread: the instrumentation modules, woven by one
 * {@link Weaver}. (The configured methods are {@link MethodWeaving}'s.)
 */
final class Instrumenter {

  private final Instrumentation instrumentation;
  private final ClassLoader agentLoader;
  private List<ModuleFit> fits = List.of();

  Instrumenter(Instrumentation instrumentation, ClassLoader agentLoader) {
    this.instrumentation = instrumentation;
    this.agentLoader = agentLoader;
  }

  /** Attach: instruments at once, the classes already loaded included. */
  void installNow() {
    Weaver weaver = new Weaver();
    ModuleInstrumentation.instrument(weaver, agentLoader);
    weaver.installOn(instrumentation);
  }

  /** JVM start: the instrumentation of the SDK, as a transformer to register. */
  ClassFileTransformer build() {
    Weaver weaver = new Weaver();
    fits = ModuleInstrumentation.instrument(weaver, agentLoader);
    return weaver;
  }

  /**
   * After {@link #build}, on the same thread, before the host's first target class arrives if it
   * is early enough (else alongside it): the work that class would otherwise do cold on the
   * host's thread.
   */
  void warmUp() {
    WeavingWarmUp.run(agentLoader);
    /* Where a server has the SDK on the class path (java -jar, java -cp), its modules' fit and muzzle
       check are decided here rather than on the host's thread when its first target class loads;
       elsewhere (Spring Boot's nested jars) the landmarks are missing, a few resource lookups. */
    ClassLoader system = ClassLoader.getSystemClassLoader();
    fits.forEach(fit -> fit.misfit(system));
  }
}
