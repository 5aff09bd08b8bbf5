package dev.mcpratelimit.benchmarks;

import java.io.PrintStream;
import java.lang.instrument.ClassDefinition;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.IllegalClassFormatException;
import java.lang.instrument.Instrumentation;
import java.lang.instrument.UnmodifiableClassException;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarFile;

/**
 * A {@code -javaagent} that wraps another agent to time it, without a line of the agent changed.
 * {@link StartupProfile} packs it into a jar of its own; it is not part of the benchmarks jar's
 * normal use.
 *
 * <p>Argument {@code MODE|AGENT_JAR|AGENT_ARGUMENT|REPORT_FILE}. Modes:
 * <ul>
 *   <li>{@code empty}: does nothing (the cost of having a {@code -javaagent} at all);
 *   <li>{@code noop-transformer}: registers one retransform-capable transformer that changes
 *       nothing (the cost of a class-file load hook on every class loaded);
 *   <li>{@code wrap}: appends {@code AGENT_JAR} to the system class path and calls its
 *       {@code premain} with an {@link Instrumentation} that times each call into it and every
 *       {@code transform} of every transformer the agent registers. At exit it writes one line per
 *       phase and per transformer to {@code REPORT_FILE} (stderr if none is given: but the agent's
 *       log handler closes {@code System.err} when the JVM shuts down, so that often loses it).
 * </ul>
 */
public final class PremainTimer {

  private static PrintStream report = System.err;
  private static final List<String> EVENTS = new ArrayList<>();
  private static final List<TimedTransformer> TRANSFORMERS = new ArrayList<>();
  private static long premainStart;

  private PremainTimer() {}

  public static void premain(String argument, Instrumentation instrumentation) throws Exception {
    premainStart = System.nanoTime();
    String[] parts = argument.split("\\|", 4);
    switch (parts[0]) {
      case "empty" -> { }
      case "noop-transformer" -> instrumentation.addTransformer(new ClassFileTransformer() {
        @Override
        public byte[] transform(ClassLoader loader, String name, Class<?> redefined, ProtectionDomain domain,
            byte[] bytes) {
          return null;
        }
      }, true);
      case "wrap" -> {
        instrumentation.appendToSystemClassLoaderSearch(new JarFile(parts[1]));
        Class<?> agent = Class.forName("dev.mcpratelimit.instrument.RateLimitAgent", true,
            ClassLoader.getSystemClassLoader());
        event("agent main class loaded");
        Instrumentation timed = new TimedInstrumentation(instrumentation);
        if (parts.length > 3) {
          // not stderr: at exit the agent's log handler closes System.err before this hook may run
          report = new PrintStream(new java.io.FileOutputStream(parts[3]), true, "UTF-8");
        }
        agent.getMethod("premain", String.class, Instrumentation.class).invoke(null, parts.length > 2 ? parts[2] : "", timed);
        event("premain returned");
        Runtime.getRuntime().addShutdownHook(new Thread(PremainTimer::report, "premain-timer-report"));
      }
      default -> throw new IllegalArgumentException("mode must be empty, noop-transformer or wrap: " + argument);
    }
  }

  private static synchronized void event(String what) {
    EVENTS.add(String.format("%8.1f ms  %s", (System.nanoTime() - premainStart) / 1e6, what));
  }

  private static synchronized void report() {
    for (String line : EVENTS) {
      report.println("[premain-timer] " + line);
    }
    for (TimedTransformer transformer : TRANSFORMERS) {
      report.println("[premain-timer] " + transformer.summary());
    }
  }

  /** Times one transformer's calls: those while the JVM loads classes and those of retransformations. */
  private static final class TimedTransformer implements ClassFileTransformer {
    private final ClassFileTransformer delegate;
    private final int index;
    private long loadCalls;
    private long loadNanos;
    private long loadChanged;
    private long retransformCalls;
    private long retransformNanos;
    private long retransformChanged;
    private long maxNanos;
    private String slowest;

    TimedTransformer(ClassFileTransformer delegate, int index) {
      this.delegate = delegate;
      this.index = index;
    }

    @Override
    public byte[] transform(Module module, ClassLoader loader, String name, Class<?> redefined, ProtectionDomain domain,
        byte[] bytes) throws IllegalClassFormatException {
      long start = System.nanoTime();
      byte[] result = delegate.transform(module, loader, name, redefined, domain, bytes);
      record(System.nanoTime() - start, redefined != null, result != null, name);
      return result;
    }

    @Override
    public byte[] transform(ClassLoader loader, String name, Class<?> redefined, ProtectionDomain domain, byte[] bytes)
        throws IllegalClassFormatException {
      long start = System.nanoTime();
      byte[] result = delegate.transform(loader, name, redefined, domain, bytes);
      record(System.nanoTime() - start, redefined != null, result != null, name);
      return result;
    }

    private synchronized void record(long nanos, boolean retransform, boolean changed, String name) {
      if (retransform) {
        retransformCalls++;
        retransformNanos += nanos;
        retransformChanged += changed ? 1 : 0;
      } else {
        loadCalls++;
        loadNanos += nanos;
        loadChanged += changed ? 1 : 0;
      }
      if (nanos > maxNanos) {
        maxNanos = nanos;
        slowest = name;
      }
    }

    synchronized String summary() {
      return String.format("transformer %d (%s): %d class loads seen in %.1f ms (%.1f µs each), %d changed; "
              + "%d retransformations in %.1f ms, %d changed; slowest %.1f ms (%s)", index,
          delegate.getClass().getName(), loadCalls, loadNanos / 1e6, loadCalls == 0 ? 0 : loadNanos / 1e3 / loadCalls,
          loadChanged, retransformCalls, retransformNanos / 1e6, retransformChanged, maxNanos / 1e6, slowest);
    }
  }

  /** Delegates everything, timing the calls an agent makes to install itself. */
  private static final class TimedInstrumentation implements Instrumentation {
    private final Instrumentation delegate;

    TimedInstrumentation(Instrumentation delegate) {
      this.delegate = delegate;
    }

    private ClassFileTransformer timed(ClassFileTransformer transformer) {
      synchronized (PremainTimer.class) {
        TimedTransformer timed = new TimedTransformer(transformer, TRANSFORMERS.size() + 1);
        TRANSFORMERS.add(timed);
        return timed;
      }
    }

    @Override
    public void addTransformer(ClassFileTransformer transformer, boolean canRetransform) {
      event("addTransformer (" + transformer.getClass().getSimpleName() + ", retransform " + canRetransform + ")");
      delegate.addTransformer(timed(transformer), canRetransform);
    }

    @Override
    public void addTransformer(ClassFileTransformer transformer) {
      event("addTransformer (" + transformer.getClass().getSimpleName() + ")");
      delegate.addTransformer(timed(transformer));
    }

    @Override
    public boolean removeTransformer(ClassFileTransformer transformer) {
      synchronized (PremainTimer.class) {
        for (TimedTransformer timed : TRANSFORMERS) {
          if (timed.delegate == transformer) {
            return delegate.removeTransformer(timed);
          }
        }
      }
      return delegate.removeTransformer(transformer);
    }

    @Override
    public boolean isRetransformClassesSupported() {
      return delegate.isRetransformClassesSupported();
    }

    @Override
    public void retransformClasses(Class<?>... classes) throws UnmodifiableClassException {
      long start = System.nanoTime();
      delegate.retransformClasses(classes);
      event(String.format("retransformClasses of %d classes took %.1f ms", classes.length, (System.nanoTime() - start) / 1e6));
    }

    @Override
    public boolean isRedefineClassesSupported() {
      return delegate.isRedefineClassesSupported();
    }

    @Override
    public void redefineClasses(ClassDefinition... definitions) throws ClassNotFoundException, UnmodifiableClassException {
      delegate.redefineClasses(definitions);
    }

    @Override
    public boolean isModifiableClass(Class<?> type) {
      return delegate.isModifiableClass(type);
    }

    @Override
    public Class[] getAllLoadedClasses() {
      Class[] classes = delegate.getAllLoadedClasses();
      event("getAllLoadedClasses: " + classes.length);
      return classes;
    }

    @Override
    public Class[] getInitiatedClasses(ClassLoader loader) {
      return delegate.getInitiatedClasses(loader);
    }

    @Override
    public long getObjectSize(Object object) {
      return delegate.getObjectSize(object);
    }

    @Override
    public void appendToBootstrapClassLoaderSearch(JarFile jar) {
      delegate.appendToBootstrapClassLoaderSearch(jar);
    }

    @Override
    public void appendToSystemClassLoaderSearch(JarFile jar) {
      delegate.appendToSystemClassLoaderSearch(jar);
    }

    @Override
    public boolean isNativeMethodPrefixSupported() {
      return delegate.isNativeMethodPrefixSupported();
    }

    @Override
    public void setNativeMethodPrefix(ClassFileTransformer transformer, String prefix) {
      delegate.setNativeMethodPrefix(transformer, prefix);
    }

    @Override
    public void redefineModule(Module module, Set<Module> extraReads, Map<String, Set<Module>> extraExports,
        Map<String, Set<Module>> extraOpens, Set<Class<?>> extraUses, Map<Class<?>, List<Class<?>>> extraProvides) {
      delegate.redefineModule(module, extraReads, extraExports, extraOpens, extraUses, extraProvides);
    }

    @Override
    public boolean isModifiableModule(Module module) {
      return delegate.isModifiableModule(module);
    }
  }
}
