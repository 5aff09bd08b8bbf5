package dev.mcpratelimit.instrument;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Waits for the first class that a class loader of the host's own defines (not the JDK's, not the
 * JVM's application class loader: Spring Boot's launcher's, say) and hands that loader over once,
 * on a thread of its own; it then leaves. Changes no class.
 */
final class FirstApplicationLoader implements ClassFileTransformer {

  private final Instrumentation instrumentation;
  private final Consumer<ClassLoader> then;
  private final AtomicBoolean seen = new AtomicBoolean();

  private FirstApplicationLoader(Instrumentation instrumentation, Consumer<ClassLoader> then) {
    this.instrumentation = instrumentation;
    this.then = then;
  }

  /** Registers it: {@code then} runs once, on a daemon thread, with the first such loader. */
  static void await(Instrumentation instrumentation, Consumer<ClassLoader> then) {
    instrumentation.addTransformer(new FirstApplicationLoader(instrumentation, then), false);
  }

  @Override
  public byte[] transform(ClassLoader loader, String className, Class<?> redefined, ProtectionDomain domain,
      byte[] bytes) {
    // The JDK's loaders of generated reflection accessors are none of the host's.
    if (!DeferredTransformer.jdksOwn(loader) && loader != ClassLoader.getSystemClassLoader()
        && !loader.getClass().getName().startsWith("jdk.internal.") && seen.compareAndSet(false, true)) {
      Thread handing = new Thread(() -> {
        instrumentation.removeTransformer(this);
        then.accept(loader);
      }, "mcp-ratelimit-shipped-check");
      handing.setDaemon(true);
      handing.start();
    }
    return null;
  }
}
