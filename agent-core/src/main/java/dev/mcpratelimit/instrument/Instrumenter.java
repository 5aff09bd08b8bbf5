package dev.mcpratelimit.instrument;

import static net.bytebuddy.matcher.ElementMatchers.any;
import static net.bytebuddy.matcher.ElementMatchers.isBootstrapClassLoader;
import static net.bytebuddy.matcher.ElementMatchers.isExtensionClassLoader;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;

import dev.mcpratelimit.config.MethodTarget;
import dev.mcpratelimit.runtime.AgentLog;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.dynamic.Nexus;

/**
 * Everything that touches Byte Buddy, apart from {@link RateLimitAgent} so that the JVM's start
 * loads none of its thousand classes on the host's thread: the instrumentation modules' and the
 * configured methods', built into one transformer.
 */
final class Instrumenter {

  private final Instrumentation instrumentation;
  private final ClassLoader agentLoader;
  // A method target added by a reload may be loaded already, so those installs retransform.
  private final MethodInstrumentation methods;
  private List<ModuleFit> fits = List.of();

  Instrumenter(Instrumentation instrumentation, ClassLoader agentLoader) {
    this.instrumentation = instrumentation;
    this.agentLoader = agentLoader;
    this.methods = new MethodInstrumentation(instrumentation, () -> builder(true), agentLoader);
  }

  /** Attach: instruments at once, the classes already loaded included. */
  void installNow(List<MethodTarget> targets) {
    ModuleInstrumentation.instrument(builder(true), agentLoader, new HashSet<>(), new ArrayList<>()).installOn(instrumentation);
    methods.follow(targets);
  }

  /**
   * JVM start: the instrumentation of the SDK and of the configured methods, as a transformer to
   * register. The modules need no configuration: they are read while {@code targets} is still
   * being worked out (the configuration file read on the host's thread).
   */
  ClassFileTransformer build(Future<List<MethodTarget>> targets) throws ExecutionException, InterruptedException {
    Set<String> types = new HashSet<>();
    List<ModuleFit> fits = new ArrayList<>();
    AgentBuilder sdk = ModuleInstrumentation.instrument(builder(false), agentLoader, types, fits);
    AgentBuilder all = methods.extend(sdk, targets.get(), types);
    this.fits = fits;
    return new NamedTypes(types, (all == null ? sdk : all).makeRaw());
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

  /** @param retransform whether classes already loaded are instrumented too */
  private static AgentBuilder builder(boolean retransform) {
    /* The Nexus serves initialization strategies that disableClassFormatChanges() turns off, yet
       AgentBuilder.Default's constructor injects it into the system class loader, generating a
       copy of AccessibleObject with Byte Buddy first: about 70 ms of start-up, and a class in the
       host's loader. Shading relocates the property's name too: it reaches the agent's copy only. */
    if (System.getProperty(Nexus.PROPERTY) == null) {
      System.setProperty(Nexus.PROPERTY, "true");
    }
    return new AgentBuilder.Default()
        .disableClassFormatChanges()
        .with(retransform ? AgentBuilder.RedefinitionStrategy.RETRANSFORMATION : AgentBuilder.RedefinitionStrategy.DISABLED)
        .with(AgentBuilder.TypeStrategy.Default.DECORATE)
        .with(RecordedLocator.LOCATIONS) // what a weave reads decides whether a later start may reuse it
        .with(new AgentBuilder.Listener.Adapter() {
          @Override
          public void onError(String typeName, ClassLoader loader, net.bytebuddy.utility.JavaModule module,
              boolean loaded, Throwable error) {
            WeaveInputs.failed();
            AgentLog.warning("could not instrument " + typeName + ", left as it was: " + error);
          }
        })
        // The JDK's own classes are never targets: matching them costs for nothing.
        .ignore(nameStartsWith("dev.mcpratelimit.")).or(any(), isBootstrapClassLoader().or(isExtensionClassLoader()));
  }
}
