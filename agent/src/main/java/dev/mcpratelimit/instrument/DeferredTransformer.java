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
import java.util.stream.Collectors;

/**
 * Stands in, from JVM start, for the instrumentation that is built on a background thread: building
 * it loads and runs over a thousand Byte Buddy classes, which the host's start need not wait for.
 * Until it is ready, classes it does not target load untouched (it would leave them so anyway),
 * and a class it targets waits for it, so no class is ever loaded uninstrumented by accident.
 */
final class DeferredTransformer implements ClassFileTransformer {

  /** How long a targeted class load waits for the instrumentation before it loads as it is. */
  static final long WAIT_SECONDS = 10;

  private final Set<String> targets;
  private final CompletableFuture<ClassFileTransformer> instrumentation = new CompletableFuture<>();

  /** @param targets the binary names of every class the instrumentation may change */
  DeferredTransformer(Set<String> targets) {
    this.targets = targets.stream().map(name -> name.replace('.', '/')).collect(Collectors.toUnmodifiableSet());
  }

  void ready(ClassFileTransformer built) {
    instrumentation.complete(built);
  }

  void failed(Throwable error) {
    instrumentation.completeExceptionally(error);
  }

  @Override
  public byte[] transform(ClassLoader loader, String className, Class<?> redefined, ProtectionDomain domain,
      byte[] bytes) throws IllegalClassFormatException {
    ClassFileTransformer built;
    if (instrumentation.isDone()) {
      built = builtOrNull();
    } else if (className != null && targets.contains(className)) {
      built = awaitBuilt(className);
    } else {
      return null; // not a target: the instrumentation would leave it as it is
    }
    return built == null ? null : built.transform(loader, className, redefined, domain, bytes);
  }

  private ClassFileTransformer builtOrNull() {
    return instrumentation.isCompletedExceptionally() ? null : instrumentation.join();
  }

  private ClassFileTransformer awaitBuilt(String className) {
    try {
      return instrumentation.get(WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      AgentLog.warning(className.replace('/', '.') + " loaded before the instrumentation was ready ("
          + WAIT_SECONDS + " s): left uninstrumented");
      return null;
    } catch (ExecutionException e) {
      return null; // already reported where it failed
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
