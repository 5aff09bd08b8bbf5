package dev.mcpratelimit.instrument;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Waits for the first class that a class loader of the host's own defines (not the JDK's, not the
 * JVM's application class loader, none it is told to pass over: Spring Boot's launcher's, say) and
 * hands that loader over once, on a thread of its own; it then leaves. Changes no class.
 */
final class FirstApplicationLoader implements ClassFileTransformer {

  private final Instrumentation instrumentation;
  private final Predicate<ClassLoader> passedOver;
  private final Consumer<ClassLoader> then;
  private final AtomicBoolean seen = new AtomicBoolean();

  private FirstApplicationLoader(Instrumentation instrumentation, Predicate<ClassLoader> passedOver,
      Consumer<ClassLoader> then) {
    this.instrumentation = instrumentation;
    this.passedOver = passedOver;
    this.then = then;
  }

  /** Registers it: {@code then} runs once, on a daemon thread, with the first such loader. */
  static void await(Instrumentation instrumentation, Predicate<ClassLoader> passedOver, Consumer<ClassLoader> then) {
    instrumentation.addTransformer(new FirstApplicationLoader(instrumentation, passedOver, then), false);
  }

  @Override
  public byte[] transform(ClassLoader loader, String className, Class<?> redefined, ProtectionDomain domain,
      byte[] bytes) {
    if (!DeferredTransformer.jdksOwn(loader) && loader != ClassLoader.getSystemClassLoader() && !ofTheJdk(loader)
        && !passedOver.test(loader) && seen.compareAndSet(false, true)) {
      Thread handing = new Thread(() -> {
        instrumentation.removeTransformer(this);
        then.accept(loader);
      }, "mcp-ratelimit-shipped-check");
      handing.setDaemon(true);
      handing.start();
    }
    return null;
  }

  /** The JDK's loaders of generated reflection accessors and the like are none of the host's. */
  private static boolean ofTheJdk(ClassLoader loader) {
    String type = loader.getClass().getName();
    return type.startsWith("jdk.internal.") || type.startsWith("sun.");
  }
}
