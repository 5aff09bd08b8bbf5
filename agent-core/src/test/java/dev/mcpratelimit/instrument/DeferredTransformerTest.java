package dev.mcpratelimit.instrument;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class DeferredTransformerTest {

  private static final byte[] WOVEN = {1, 2, 3};
  private static final String TARGET = "io/modelcontextprotocol/server/McpAsyncServer";

  /** Stands for Byte Buddy's transformer: weaves every class it is given. */
  private static final ClassFileTransformer WEAVER = new ClassFileTransformer() {
    @Override
    public byte[] transform(ClassLoader loader, String name, Class<?> redefined, ProtectionDomain domain, byte[] bytes) {
      return WOVEN;
    }
  };

  /** The test makes it ready (or not) itself. */
  private static final Consumer<DeferredTransformer> BUILT_ELSEWHERE = deferred -> {};

  /** A host's class loader (the JDK's own classes never wait). */
  private static final ClassLoader HOST = DeferredTransformerTest.class.getClassLoader();

  private static byte[] load(DeferredTransformer deferred, String className) throws Exception {
    return deferred.transform(HOST, className, null, null, new byte[0]);
  }

  @Test
  void beforeItIsReadyAClassItDoesNotTargetLoadsAtOnceUntouched() throws Exception {
    DeferredTransformer deferred = new DeferredTransformer(Set.of(TARGET.replace('/', '.')), BUILT_ELSEWHERE);
    long start = System.nanoTime();
    assertNull(load(deferred, "com/example/Other"));
    assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(1));
  }

  @Test
  void aTargetedClassWaitsForTheInstrumentationThenIsWoven() throws Exception {
    DeferredTransformer deferred = new DeferredTransformer(Set.of(TARGET.replace('/', '.')), BUILT_ELSEWHERE);
    CompletableFuture<byte[]> loading = CompletableFuture.supplyAsync(() -> {
      try {
        return load(deferred, TARGET);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    Thread.sleep(100); // the load is waiting: nothing ready yet
    assertTrue(!loading.isDone(), "a targeted class must not load before the instrumentation is ready");
    deferred.ready(WEAVER);
    assertArrayEquals(WOVEN, loading.get(5, TimeUnit.SECONDS));
    assertArrayEquals(WOVEN, load(deferred, "com/example/Other"), "once ready, every class goes through it");
  }

  /** An SDK class on the boot class path is never woven, so it neither waits nor starts a lazy build. */
  @Test
  void aClassOfTheJdksOwnLoadersNeverWaitsNorStartsTheBuild() throws Exception {
    AtomicInteger builds = new AtomicInteger();
    DeferredTransformer deferred = new DeferredTransformer(Set.of(TARGET.replace('/', '.'),
        "javax.naming.InitialContext", "sun.misc.Signal"), self -> builds.incrementAndGet());
    assertNull(deferred.transform(ClassLoader.getPlatformClassLoader(), "javax/naming/InitialContext", null, null, new byte[0]));
    assertNull(deferred.transform(null, "sun/misc/Signal", null, null, new byte[0]));
    assertEquals(0, builds.get());
    assertFalse(deferred.gaveUp());
  }

  @Test
  void pastTheDeadlineNoLoadWaitsAgainAndALateBuildIsNotUsed() throws Exception {
    DeferredTransformer deferred = new DeferredTransformer(
        Set.of(TARGET.replace("/", "."), "io.modelcontextprotocol.server.McpStatelessAsyncServer"), BUILT_ELSEWHERE,
        TimeUnit.MILLISECONDS.toNanos(50));
    assertNull(load(deferred, TARGET));
    long start = System.nanoTime();
    assertNull(load(deferred, "io/modelcontextprotocol/server/McpStatelessAsyncServer"));
    assertTrue(System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(40), "the deadline is shared, not per class");
    deferred.ready(WEAVER);
    assertNull(load(deferred, TARGET), "half-instrumented is worse than not at all: a late build stays unused");
  }

  @Test
  void aLazyBuildStartsOnceWhenTheFirstTargetedClassArrives() throws Exception {
    AtomicInteger builds = new AtomicInteger();
    DeferredTransformer deferred = new DeferredTransformer(Set.of(TARGET.replace('/', '.')), self -> {
      builds.incrementAndGet();
      self.ready(WEAVER);
    });
    assertNull(load(deferred, "com/example/Other"));
    assertEquals(0, builds.get(), "a class it does not target builds nothing");
    assertArrayEquals(WOVEN, load(deferred, TARGET));
    deferred.build();
    assertArrayEquals(WOVEN, load(deferred, TARGET));
    assertEquals(1, builds.get(), "built once");
  }

  @Test
  void aBuildThatCannotStartLetsTheClassLoadUntouched() throws Exception {
    DeferredTransformer deferred = new DeferredTransformer(Set.of(TARGET.replace('/', '.')), self -> {
      throw new IllegalStateException("no thread today");
    });
    assertNull(load(deferred, TARGET));
    assertNull(load(deferred, TARGET), "and never waits again");
  }

  @Test
  void aFailedBuildLetsEveryClassLoadUntouched() throws Exception {
    DeferredTransformer deferred = new DeferredTransformer(Set.of(TARGET.replace('/', '.')), BUILT_ELSEWHERE);
    deferred.failed(new IllegalStateException("no Byte Buddy today"));
    assertNull(load(deferred, TARGET));
  }
}
