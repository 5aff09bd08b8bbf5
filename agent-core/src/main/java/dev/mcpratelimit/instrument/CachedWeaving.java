package dev.mcpratelimit.instrument;

import dev.mcpratelimit.config.MethodTarget;
import dev.mcpratelimit.runtime.AgentLog;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.IllegalClassFormatException;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.WeakHashMap;
import java.util.stream.Collectors;

/**
 * In front of the {@link DeferredTransformer} at JVM start: a class the instrumentation targets is
 * served from the {@link WovenClassCache} when an earlier start wove the same class in the same
 * circumstances, saying again what that weave said. Otherwise it is woven as without a cache, and
 * the result kept. When the cache held anything at start ({@code lazy}), the instrumentation is
 * built only when a class misses it, so a start that finds every class served loads no Byte Buddy.
 *
 * <p>A class the instrumentation does not wait for ({@link InstrumentationPoint#notWaitedFor}) that
 * loads before the instrumentation is ready stays as it is, as ever; it is woven once the
 * instrumentation is ready only to be kept ({@link #keepPassed}), so that later starts serve it.
 * With a lazy build such a class waits on a miss: nothing would weave it otherwise.
 */
final class CachedWeaving implements ClassFileTransformer {

  private final WovenClassCache cache;
  private final DeferredTransformer deferred;
  private final Set<String> late;
  private final boolean lazy;
  /** Internal class name to its configured methods, as the build uses them; {@code null} until read. */
  private volatile Map<String, String> methods;
  private final List<Load> passed = new ArrayList<>();
  /** The instrumentation, once {@link #keepPassed} took the classes that passed (guarded by {@link #passed}). */
  private ClassFileTransformer keeping;
  private final Map<ClassLoader, Set<String>> said = new WeakHashMap<>();

  /** One class load, as the JVM handed it over. */
  private record Load(Module module, ClassLoader loader, String className, ProtectionDomain domain, byte[] bytes) {}

  private CachedWeaving(WovenClassCache cache, DeferredTransformer deferred, Set<String> late, boolean lazy) {
    this.cache = cache;
    this.deferred = deferred;
    this.late = late.stream().map(name -> name.replace('.', '/')).collect(Collectors.toUnmodifiableSet());
    this.lazy = lazy;
  }

  /**
   * The cache in front of {@code deferred}: lazy if the cache holds classes already.
   *
   * @param late binary names of the classes the instrumentation changes but does not wait for
   */
  static CachedWeaving before(DeferredTransformer deferred, WovenClassCache cache, Set<String> late) {
    CachedWeaving cached = new CachedWeaving(cache, deferred, late, cache.knowsThisHost());
    deferred.whenDone(cached::keepPassed);
    return cached;
  }

  /** Whether the instrumentation is built only when a class misses the cache. */
  boolean lazy() {
    return lazy;
  }

  /** The configured methods the instrumentation is built with (read before the host's first class). */
  void methods(List<MethodTarget> targets) {
    Map<String, Set<String>> byClass = new TreeMap<>();
    targets.forEach(target -> byClass.computeIfAbsent(target.className().replace('.', '/'), c -> new TreeSet<>())
        .add(target.methodName()));
    Map<String, String> keys = new TreeMap<>();
    byClass.forEach((type, names) -> keys.put(type, String.join(",", names)));
    methods = Map.copyOf(keys);
  }

  @Override
  public byte[] transform(Module module, ClassLoader loader, String className, Class<?> redefined,
      ProtectionDomain domain, byte[] bytes) throws IllegalClassFormatException {
    Map<String, String> configured = methods;
    // Nothing is served before the configuration is read (a start that failed) or once the instrumentation gave up.
    if (redefined != null || DeferredTransformer.jdksOwn(loader) || className == null || configured == null || deferred.gaveUp()
        || !(deferred.holdsBack(className) || late.contains(className))) {
      return deferred.transform(module, loader, className, redefined, domain, bytes);
    }
    String methodsKey = configured.getOrDefault(className, "");
    WovenClassCache.Woven kept = cache.find(className, methodsKey, bytes, loader);
    if (kept != null) {
      AgentLog.fine(className.replace('/', '.') + " from the weaving cache");
      sayAgain(loader, kept.lines());
      return kept.bytes();
    }
    AgentLog.fine(className.replace('/', '.') + " is not in the weaving cache");
    boolean passes = late.contains(className) && !lazy;
    ClassFileTransformer built = passes ? deferred.instrumentationFor(loader, className) : deferred.awaited(className);
    if (built == null && passes) {
      synchronized (passed) {
        if (keeping == null) {
          passed.add(new Load(module, loader, className, domain, bytes));
          return null;
        }
        built = keeping; // ready since it was asked: woven as any class loading now
      }
    }
    return built == null ? null
        : weaveAndKeep(built, new Load(module, loader, className, domain, bytes), methodsKey, false);
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
    Map<String, String> configured = methods;
    for (Load one : waiting) {
      weaveAndKeep(built, one, configured == null ? "" : configured.getOrDefault(one.className, ""), true);
    }
  }

  /** @param quiet whether the weave's lines are only kept (the class is not the one the host loaded) */
  private byte[] weaveAndKeep(ClassFileTransformer built, Load one, String methodsKey, boolean quiet) {
    byte[] woven;
    WovenClassCache.Woven result;
    Set<WeaveInputs.Read> reads;
    try (WeaveInputs.Recording recording = WeaveInputs.record(); AgentLog.Capture capture = AgentLog.capture(quiet)) {
      woven = built.transform(one.module, one.loader, one.className, null, one.domain, one.bytes);
      result = recording.failed() ? null : new WovenClassCache.Woven(woven, List.copyOf(capture.lines()));
      reads = Set.copyOf(recording.reads());
    } catch (IllegalClassFormatException | RuntimeException e) {
      AgentLog.fine("could not weave " + one.className + " to keep it: " + e);
      return null;
    }
    if (result != null) {
      cache.keep(one.className, methodsKey, one.bytes, reads, result);
    }
    return woven;
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
