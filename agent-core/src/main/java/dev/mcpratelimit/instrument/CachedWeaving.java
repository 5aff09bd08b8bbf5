package dev.mcpratelimit.instrument;

import dev.mcpratelimit.runtime.AgentLog;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.IllegalClassFormatException;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.stream.Collectors;

/**
 * In front of the {@link DeferredTransformer} at JVM start: a class the instrumentation targets is
 * served from the {@link WovenClassCache} when an earlier start wove the same class in the same
 * circumstances, or else from the {@link ShippedWeaves} when the agent's build did, saying again
 * what that weave said. Otherwise it is woven as without them, and the result kept in the cache
 * (if there is one). When the cache knows the host, or the shipped weaves may serve it
 * ({@code lazy}), the instrumentation is built only when a class misses them (or the agent's start
 * finds that one will), so a start that finds every class served loads no Byte Buddy.
 *
 * <p>A class the instrumentation does not wait for ({@link InstrumentationPoint#notWaitedFor}) that
 * loads before the instrumentation is ready stays as it is, as ever; it is woven once the
 * instrumentation is ready only to be kept ({@link #keepPassed}), so that later starts serve it.
 * With a lazy build such a class waits on a miss: nothing would weave it otherwise.
 */
final class CachedWeaving implements ClassFileTransformer {

  /** Each {@code null} if there is none (switched off; a cache not safe to use). */
  private final WovenClassCache cache;
  private final ShippedWeaves shipped;
  private final DeferredTransformer deferred;
  private final Set<String> late;
  private final boolean lazy;
  private final List<Load> passed = new ArrayList<>();
  /** The instrumentation, once {@link #keepPassed} took the classes that passed (guarded by {@link #passed}). */
  private ClassFileTransformer keeping;
  private final Map<ClassLoader, Set<String>> said = new WeakHashMap<>();

  /** One class load, as the JVM handed it over. */
  private record Load(Module module, ClassLoader loader, String className, ProtectionDomain domain, byte[] bytes) {}

  private CachedWeaving(WovenClassCache cache, ShippedWeaves shipped, DeferredTransformer deferred, Set<String> late,
      boolean lazy) {
    this.cache = cache;
    this.shipped = shipped;
    this.deferred = deferred;
    this.late = late.stream().map(name -> name.replace('.', '/')).collect(Collectors.toUnmodifiableSet());
    this.lazy = lazy;
  }

  /**
   * The cache and the shipped weaves in front of {@code deferred}.
   *
   * @param cache {@code null} if there is none
   * @param shipped {@code null} if they are switched off
   * @param late binary names of the classes the instrumentation changes but does not wait for
   * @param lazy whether the build waits for a class that misses (or for whoever starts it)
   */
  static CachedWeaving before(DeferredTransformer deferred, WovenClassCache cache, ShippedWeaves shipped,
      Set<String> late, boolean lazy) {
    CachedWeaving cached = new CachedWeaving(cache, shipped, deferred, late, lazy);
    deferred.whenDone(cached::keepPassed);
    return cached;
  }

  /** Whether the instrumentation is built only when a class misses the cache. */
  boolean lazy() {
    return lazy;
  }

  @Override
  public byte[] transform(Module module, ClassLoader loader, String className, Class<?> redefined,
      ProtectionDomain domain, byte[] bytes) throws IllegalClassFormatException {
    // Nothing is served once the instrumentation gave up (or the agent did not start).
    if (redefined != null || DeferredTransformer.jdksOwn(loader) || className == null || deferred.gaveUp()
        || !(deferred.holdsBack(className) || late.contains(className))) {
      return deferred.transform(module, loader, className, redefined, domain, bytes);
    }
    WovenEntry.Woven kept = cache == null ? null : cache.find(className, bytes, loader);
    String source = "the weaving cache";
    if (kept == null && shipped != null) {
      kept = shipped.find(className, bytes, loader);
      source = "the weaves the agent ships";
    }
    if (kept != null) {
      AgentLog.fine(className.replace('/', '.') + " from " + source);
      sayAgain(loader, kept.lines());
      return kept.bytes();
    }
    AgentLog.fine(className.replace('/', '.') + " is neither in the weaving cache nor shipped woven");
    boolean passes = late.contains(className) && !lazy;
    ClassFileTransformer built = passes ? deferred.instrumentationFor(loader, className) : deferred.awaited(className);
    if (built == null && passes && cache != null) { // kept for later starts only where there is a cache
      synchronized (passed) {
        if (keeping == null) {
          passed.add(new Load(module, loader, className, domain, bytes));
          return null;
        }
        built = keeping; // ready since it was asked: woven as any class loading now
      }
    }
    return built == null ? null
        : weaveAndKeep(built, new Load(module, loader, className, domain, bytes), false);
  }

  /**
   * Once the instrumentation is ready: weaves the classes that passed before it was, as they
   * would have been woven had they loaded later, only to keep them for later starts. With
   * {@code null} (it gave up) they are dropped.
   */
  void keepPassed(ClassFileTransformer built) {
    List<Load> waiting;
    synchronized (passed) {
      keeping = built;
      waiting = built == null ? List.of() : List.copyOf(passed);
      passed.clear(); // given up (null): nothing to keep, and their loaders are not held
    }
    for (Load one : waiting) {
      weaveAndKeep(built, one, true);
    }
  }

  /** @param quiet whether the weave's lines are only kept (the class is not the one the host loaded) */
  private byte[] weaveAndKeep(ClassFileTransformer built, Load one, boolean quiet) {
    WovenEntry weave;
    try {
      weave = WovenEntry.weave(built, one.module, one.loader, one.className, one.domain, one.bytes, quiet);
    } catch (IllegalClassFormatException | RuntimeException e) {
      AgentLog.fine("could not weave " + one.className + " to keep it: " + e);
      return null;
    }
    if (!weave.failed() && cache != null) {
      cache.keep(weave);
    }
    return weave.woven();
  }

  /** A kept weave's lines, each once per class loader as the weave itself would have said them. */
  private void sayAgain(ClassLoader loader, List<String> lines) {
    for (String line : lines) {
      boolean first;
      synchronized (said) {
        first = said.computeIfAbsent(loader, l -> new HashSet<>()).add(line);
      }
      if (first) {
        AgentLog.sayAgain(line);
      }
    }
  }
}
