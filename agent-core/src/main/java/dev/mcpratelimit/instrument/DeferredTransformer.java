package dev.mcpratelimit.instrument;

import dev.mcpratelimit.runtime.AgentLog;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.IllegalClassFormatException;
import java.security.ProtectionDomain;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Stands in, from JVM start, for the instrumentation that is built on a background thread: building
 * it loads and runs over a thousand Byte Buddy classes, which the host's start need not wait for.
 * Until it is ready, classes it does not target load untouched (it would leave them so anyway),
 * and a class it targets waits for it, so no class is loaded uninstrumented by accident.
 *
 * <p>All waits share one deadline, {@link #WAIT_SECONDS} after JVM start: should the build be that
 * late, the host is never held up again, and what loaded meanwhile stays uninstrumented (one
 * warning says so).
 */
final class DeferredTransformer implements ClassFileTransformer {

  /** How long after the agent starts a targeted class load may wait for the instrumentation. */
  static final long WAIT_SECONDS = 10;

  private final Set<String> classes;
  private final long deadlineNanos;
  private final CompletableFuture<ClassFileTransformer> instrumentation = new CompletableFuture<>();

  /** @param classes the binary names of every class the instrumentation may change */
  DeferredTransformer(Set<String> classes) {
    this(classes, TimeUnit.SECONDS.toNanos(WAIT_SECONDS));
  }

  DeferredTransformer(Set<String> classes, long waitNanos) {
    this.classes = ConcurrentHashMap.newKeySet();
    holdBack(classes);
    this.deadlineNanos = System.nanoTime() + waitNanos;
  }

  /** Targets known only once the configuration is read (its methods); before the host's first class loads. */
  void holdBack(Collection<String> binaryNames) {
    binaryNames.forEach(name -> classes.add(name.replace('.', '/')));
  }

  void ready(ClassFileTransformer built) {
    instrumentation.complete(built);
  }

  void failed(Throwable error) {
    instrumentation.completeExceptionally(error);
  }

  @Override
  public byte[] transform(Module module, ClassLoader loader, String className, Class<?> redefined,
      ProtectionDomain domain, byte[] bytes) throws IllegalClassFormatException {
    ClassFileTransformer built = instrumentationFor(className);
    return built == null ? null : built.transform(module, loader, className, redefined, domain, bytes);
  }

  @Override
  public byte[] transform(ClassLoader loader, String className, Class<?> redefined, ProtectionDomain domain,
      byte[] bytes) throws IllegalClassFormatException {
    ClassFileTransformer built = instrumentationFor(className);
    return built == null ? null : built.transform(loader, className, redefined, domain, bytes);
  }

  /** The instrumentation, once built (waited for if {@code className} is a target); else {@code null}. */
  private ClassFileTransformer instrumentationFor(String className) {
    if (instrumentation.isDone()) {
      return instrumentation.isCompletedExceptionally() ? null : instrumentation.join();
    }
    if (className == null || !classes.contains(className)) {
      return null; // not a target: the instrumentation would leave it as it is
    }
    try {
      return instrumentation.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      if (instrumentation.completeExceptionally(e)) {
        AgentLog.warning("the instrumentation was not ready " + WAIT_SECONDS + " s after start; "
            + className.replace('/', '.') + " and the classes loaded after it stay uninstrumented"
            + " (the host runs unlimited until it is restarted)");
      }
      return null;
    } catch (ExecutionException e) {
      return null; // reported where it failed
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
