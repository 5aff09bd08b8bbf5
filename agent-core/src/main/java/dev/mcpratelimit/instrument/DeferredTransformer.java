package dev.mcpratelimit.instrument;

import dev.mcpratelimit.runtime.AgentLog;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.IllegalClassFormatException;
import java.security.ProtectionDomain;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Stands in, from JVM start, for the instrumentation that is built on a background thread: building
 * it loads and runs over a thousand Byte Buddy classes, which the host's start need not wait for.
 * Until it is ready, classes it does not target load untouched (it would leave them so anyway),
 * and a class it targets waits for it, so no class is loaded uninstrumented by accident.
 *
 * <p>The build starts when {@link #build} is first called: at once, or only when a class needs
 * it (when a cache of woven classes usually serves them, see {@link CachedWeaving}). All waits
 * share one deadline, {@link #WAIT_SECONDS} after the build starts: should it be that late, the
 * host is never held up again, and what loaded meanwhile stays uninstrumented (one warning says so).
 */
final class DeferredTransformer implements ClassFileTransformer {

  private static final ClassLoader PLATFORM = ClassLoader.getPlatformClassLoader();

  /** How long after the build starts a targeted class load may wait for the instrumentation. */
  static final long WAIT_SECONDS = 10;

  private final Set<String> classes;
  private final long waitNanos;
  private final Consumer<DeferredTransformer> builder;
  /** Set, with the deadline, when the build starts: a load that waits reads both after {@link #build}. */
  private boolean building;
  private volatile long deadlineNanos;
  private final CompletableFuture<ClassFileTransformer> instrumentation = new CompletableFuture<>();

  /**
   * @param classes the binary names of every class the instrumentation may change
   * @param builder starts building the instrumentation (run once), which ends in {@link #ready} or {@link #failed}
   */
  DeferredTransformer(Set<String> classes, Consumer<DeferredTransformer> builder) {
    this(classes, builder, TimeUnit.SECONDS.toNanos(WAIT_SECONDS));
  }

  DeferredTransformer(Set<String> classes, Consumer<DeferredTransformer> builder, long waitNanos) {
    this.classes = classes.stream().map(name -> name.replace('.', '/')).collect(Collectors.toUnmodifiableSet());
    this.builder = builder;
    this.waitNanos = waitNanos;
  }

  /** Starts building the instrumentation, unless that has started already. */
  synchronized void build() {
    if (!building) {
      building = true;
      deadlineNanos = System.nanoTime() + waitNanos;
      try {
        builder.accept(this);
      } catch (Throwable e) {
        failed(e); // no targeted class may wait for a build that never runs
        throw e;
      }
    }
  }

  /**
   * Whether {@code loader} is the JDK's own (bootstrap or platform): its classes are never woven, nor
   * wait to be. Here, in the class the JVM's start registers first: a transformer that asked another
   * class would load it while a class loads, and see its own load.
   */
  static boolean jdksOwn(ClassLoader loader) {
    return loader == null || loader == PLATFORM;
  }

  /** Whether the class with this internal name waits for the instrumentation. */
  boolean holdsBack(String className) {
    return classes.contains(className);
  }

  void ready(ClassFileTransformer built) {
    instrumentation.complete(built);
  }

  /** Runs {@code then} once the instrumentation is ready (with it) or given up (with {@code null}), on that thread. */
  void whenDone(Consumer<ClassFileTransformer> then) {
    instrumentation.whenComplete((built, error) -> then.accept(error == null ? built : null));
  }

  void failed(Throwable error) {
    instrumentation.completeExceptionally(error);
  }

  /** Whether the instrumentation failed or came too late: from then on nothing is woven. */
  boolean gaveUp() {
    return instrumentation.isCompletedExceptionally();
  }

  @Override
  public byte[] transform(Module module, ClassLoader loader, String className, Class<?> redefined,
      ProtectionDomain domain, byte[] bytes) throws IllegalClassFormatException {
    ClassFileTransformer built = instrumentationFor(loader, className);
    return built == null ? null : built.transform(module, loader, className, redefined, domain, bytes);
  }

  @Override
  public byte[] transform(ClassLoader loader, String className, Class<?> redefined, ProtectionDomain domain,
      byte[] bytes) throws IllegalClassFormatException {
    ClassFileTransformer built = instrumentationFor(loader, className);
    return built == null ? null : built.transform(loader, className, redefined, domain, bytes);
  }

  /** The instrumentation, once built (waited for, and started, if {@code className} is a target); else {@code null}. */
  ClassFileTransformer instrumentationFor(ClassLoader loader, String className) {
    if (instrumentation.isDone()) {
      return built();
    }
    // The JDK's classes never wait: the instrumentation never changes them.
    return className != null && classes.contains(className) && !jdksOwn(loader) ? awaited(className) : null;
  }

  /** The instrumentation, the build started and waited for if need be; {@code null} if it failed or is too late. */
  ClassFileTransformer awaited(String className) {
    if (instrumentation.isDone()) {
      return built();
    }
    try {
      build();
      return instrumentation.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      if (instrumentation.completeExceptionally(e)) {
        AgentLog.warning("the instrumentation was not ready " + WAIT_SECONDS + " s after its build started; "
            + className.replace('/', '.') + " and the classes loaded after it stay uninstrumented"
            + " (the host runs unlimited until it is restarted)");
      }
      return null;
    } catch (ExecutionException | RuntimeException e) {
      return null; // reported where it failed
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private ClassFileTransformer built() {
    return instrumentation.isCompletedExceptionally() ? null : instrumentation.join();
  }
}
