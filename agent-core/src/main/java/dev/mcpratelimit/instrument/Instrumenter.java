package dev.mcpratelimit.instrument;

import dev.mcpratelimit.config.MethodTarget;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * Everything that touches Byte Buddy, apart from {@link RateLimitAgent} so that the JVM's start
 * loads none of its classes on the host's thread: the instrumentation modules' and the configured
 * methods', woven by one {@link Weaver}.
 */
final class Instrumenter {

  private final Instrumentation instrumentation;
  private final ClassLoader agentLoader;
  private final MethodInstrumentation methods;
  private List<ModuleFit> fits = List.of();

  Instrumenter(Instrumentation instrumentation, ClassLoader agentLoader) {
    this.instrumentation = instrumentation;
    this.agentLoader = agentLoader;
    this.methods = new MethodInstrumentation(instrumentation, agentLoader);
  }

  /** Attach: instruments at once, the classes already loaded included. */
  void installNow(List<MethodTarget> targets) {
    Weaver weaver = new Weaver();
    ModuleInstrumentation.instrument(weaver, agentLoader);
    weaver.installOn(instrumentation);
    methods.follow(targets);
  }

  /**
   * JVM start: the instrumentation of the SDK and of the configured methods, as a transformer to
   * register. The modules need no configuration: they are read while {@code targets} is still
   * being worked out (the configuration file read on the host's thread).
   */
  ClassFileTransformer build(Future<List<MethodTarget>> targets) throws ExecutionException, InterruptedException {
    Weaver weaver = new Weaver();
    fits = ModuleInstrumentation.instrument(weaver, agentLoader);
    methods.extend(weaver, targets.get());
    return weaver;
  }

  /**
   * After {@link #build}, on the same thread, before the host's first target class arrives if it
   * is early enough (else alongside it): the work that class would otherwise do cold on the
   * host's thread. Not before the instrumentation is ready: a class held back (a configured
   * method's, which hosts often load early) would wait for it.
   */
  void warmUp() {
    WeavingWarmUp.run(agentLoader);
    /* Where a server has the SDK on the class path (java -jar, java -cp), its modules' fit and muzzle
       check are decided here rather than on the host's thread when its first target class loads;
       elsewhere (Spring Boot's nested jars) the landmarks are missing, a few resource lookups. */
    ClassLoader system = ClassLoader.getSystemClassLoader();
    fits.forEach(fit -> fit.misfit(system));
  }

  /** Instruments the methods among {@code targets} that are not yet (a reload added them). */
  void follow(List<MethodTarget> targets) {
    methods.follow(targets);
  }
}
