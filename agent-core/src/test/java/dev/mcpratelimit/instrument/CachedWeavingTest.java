package dev.mcpratelimit.instrument;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcpratelimit.runtime.AgentLog;
import dev.mcpratelimit.runtime.LoggedLines;
import java.lang.instrument.ClassFileTransformer;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.ProtectionDomain;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class CachedWeavingTest {

  private static final String TARGET = "io/modelcontextprotocol/server/McpAsyncServer";
  private static final String LATE = "io/modelcontextprotocol/spec/McpSchema";
  private static final byte[] ORIGINAL = "original".getBytes(StandardCharsets.UTF_8);

  @TempDir
  Path folder;
  @TempDir
  Path classes;

  @RegisterExtension
  final LoggedLines said = LoggedLines.eachTest();


  /** Stands for Byte Buddy's transformer: reads one class of the loader, says a line, prefixes the bytes. */
  private final class Weaver implements ClassFileTransformer {
    final AtomicInteger weaves = new AtomicInteger();
    boolean fails;

    @Override
    public byte[] transform(ClassLoader loader, String name, Class<?> redefined, ProtectionDomain domain, byte[] bytes) {
      weaves.incrementAndGet();
      try (var in = loader.getResourceAsStream("io/sdk/Exchange.class")) {
        WeaveInputs.read("io/sdk/Exchange.class", in.readAllBytes());
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      AgentLog.info("limiting " + name);
      if (fails) {
        WeaveInputs.failed();
        return null;
      }
      byte[] woven = ("woven " + new String(bytes, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
      return woven;
    }
  }

  /** One JVM start's transformers over the same cache folder, its build making {@code weaver} ready at once. */
  private record Start(CachedWeaving cached, DeferredTransformer deferred, AtomicInteger builds) {}

  private Start start(Weaver weaver) {
    AtomicInteger builds = new AtomicInteger();
    DeferredTransformer deferred = new DeferredTransformer(Set.of(TARGET.replace('/', '.')), self -> {
      builds.incrementAndGet();
      self.ready(weaver);
    });
    WovenClassCache cache = new WovenClassCache(folder, "java -jar server.jar");
    CachedWeaving cached = CachedWeaving.before(deferred, cache, null, Set.of(LATE.replace('/', '.')), cache.knowsThisHost());
    if (!cached.lazy()) {
      deferred.build();
    }
    return new Start(cached, deferred, builds);
  }

  private URLClassLoader loader() throws Exception {
    Files.createDirectories(classes.resolve("io/sdk"));
    if (!Files.exists(classes.resolve("io/sdk/Exchange.class"))) {
      Files.writeString(classes.resolve("io/sdk/Exchange.class"), "exchange v1");
    }
    return new URLClassLoader(new URL[] {classes.toUri().toURL()}, null);
  }

  private static byte[] load(Start start, ClassLoader loader, String name) throws Exception {
    return start.cached.transform(null, loader, name, null, null, ORIGINAL);
  }

  @Test
  void aLaterStartServesTheWovenClassWithoutBuildingAndSaysItsLinesOnce() throws Exception {
    Weaver weaver = new Weaver();
    try (URLClassLoader loader = loader()) {
      Start first = start(weaver);
      assertFalse(first.cached.lazy(), "an empty cache builds at once");
      assertArrayEquals("woven original".getBytes(StandardCharsets.UTF_8), load(first, loader, TARGET));
      assertEquals(1, weaver.weaves.get());

      said.clear();
      Start second = start(weaver);
      assertTrue(second.cached.lazy());
      assertArrayEquals("woven original".getBytes(StandardCharsets.UTF_8), load(second, loader, TARGET));
      assertArrayEquals("woven original".getBytes(StandardCharsets.UTF_8), load(second, loader, TARGET));
      assertEquals(0, second.builds.get(), "served from the cache: nothing built");
      assertEquals(1, weaver.weaves.get());
      assertEquals(List.of("INFO limiting " + TARGET), said.lines(), "the weave's line, said once for the loader");
    }
  }

  @Test
  void aMissOnALazyStartBuildsAndWeaves() throws Exception {
    Weaver weaver = new Weaver();
    try (URLClassLoader loader = loader()) {
      load(start(weaver), loader, TARGET);
      Files.writeString(classes.resolve("io/sdk/Exchange.class"), "exchange v2"); // the SDK was upgraded
      Start second = start(weaver);
      try (URLClassLoader upgraded = loader()) {
        assertArrayEquals("woven original".getBytes(StandardCharsets.UTF_8), load(second, upgraded, TARGET));
      }
      assertEquals(1, second.builds.get());
      assertEquals(2, weaver.weaves.get(), "woven again, not served");
    }
  }

  @Test
  void aClassNotWaitedForPassesUntouchedAndIsWovenOnceReadyOnlyToBeKept() throws Exception {
    Weaver weaver = new Weaver();
    try (URLClassLoader loader = loader()) {
      AtomicInteger builds = new AtomicInteger();
      DeferredTransformer deferred = new DeferredTransformer(Set.of(TARGET.replace('/', '.')), self -> builds.incrementAndGet());
      CachedWeaving first = CachedWeaving.before(deferred, new WovenClassCache(folder, "java -jar server.jar"), null, Set.of(LATE.replace('/', '.')), false);
      deferred.build(); // started, not ready
      assertNull(first.transform(null, loader, LATE, null, null, ORIGINAL), "not waited for: loads as it is");
      said.clear();
      deferred.ready(weaver);
      assertEquals(1, weaver.weaves.get(), "woven once ready, for the cache");
      assertEquals(List.of(), said.lines(), "quietly: the host's class was not changed");

      Start second = start(weaver);
      assertArrayEquals("woven original".getBytes(StandardCharsets.UTF_8), load(second, loader, LATE));
      assertEquals(0, second.builds.get());
    }
  }

  @Test
  void onALazyStartAClassNotWaitedForThatMissesWaitsForTheBuild() throws Exception {
    Weaver weaver = new Weaver();
    try (URLClassLoader loader = loader()) {
      load(start(weaver), loader, TARGET); // the cache holds something: the next start is lazy
      Start second = start(weaver);
      assertArrayEquals("woven original".getBytes(StandardCharsets.UTF_8), load(second, loader, LATE));
      assertEquals(1, second.builds.get());
    }
  }

  @Test
  void withoutACacheTheShippedWeavesServeAndAMissBuilds(@TempDir Path jar) throws Exception {
    Weaver weaver = new Weaver();
    try (URLClassLoader loader = loader()) {
      Set<WeaveInputs.Read> reads = Set.of(new WeaveInputs.Read("io/sdk/Exchange.class",
          WeaveInputs.checksum("exchange v1".getBytes(StandardCharsets.UTF_8))));
      Path entry = jar.resolve(ShippedWeaves.FOLDER + WovenEntry.fileName(TARGET, ORIGINAL));
      Files.createDirectories(entry.getParent());
      Files.write(entry, new WovenEntry(TARGET, ORIGINAL, reads, List.of("INFO limiting " + TARGET),
          "shipped woven".getBytes(StandardCharsets.UTF_8), false).bytes());
      AtomicInteger builds = new AtomicInteger();
      DeferredTransformer deferred = new DeferredTransformer(Set.of(TARGET.replace('/', '.')), self -> {
        builds.incrementAndGet();
        self.ready(weaver);
      });
      try (URLClassLoader agent = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
        CachedWeaving cached = CachedWeaving.before(deferred, null, new ShippedWeaves(agent),
            Set.of(LATE.replace('/', '.')), true);
        assertArrayEquals("shipped woven".getBytes(StandardCharsets.UTF_8),
            cached.transform(null, loader, TARGET, null, null, ORIGINAL));
        assertEquals(List.of("INFO limiting " + TARGET), said.lines());
        assertEquals(0, builds.get(), "served: nothing built");
        assertArrayEquals("woven original".getBytes(StandardCharsets.UTF_8),
            cached.transform(null, loader, LATE, null, null, ORIGINAL), "a class not shipped waits for the build");
        assertEquals(1, builds.get());
      }
    }
  }

  @Test
  void aWeaveThatWentWrongIsNotKept() throws Exception {
    Weaver weaver = new Weaver();
    weaver.fails = true;
    try (URLClassLoader loader = loader()) {
      assertNull(load(start(weaver), loader, TARGET));
      assertFalse(new WovenClassCache(folder, "java -jar server.jar").knowsThisHost(), "nothing kept");
    }
  }

  @Test
  void nothingIsServedOnceTheInstrumentationGaveUp() throws Exception {
    Weaver weaver = new Weaver();
    try (URLClassLoader loader = loader()) {
      load(start(weaver), loader, TARGET); // kept
      DeferredTransformer deferred = new DeferredTransformer(Set.of(TARGET.replace('/', '.')),
          self -> self.failed(new IllegalStateException("the agent did not start")));
      CachedWeaving cached = CachedWeaving.before(deferred, new WovenClassCache(folder, "java -jar server.jar"), null,
          Set.of(), true);
      deferred.failed(new IllegalStateException("too late"));
      assertNull(cached.transform(null, loader, TARGET, null, null, ORIGINAL), "given up: left as it is");
    }
  }

  @Test
  void aClassNotWaitedForThatLoadsAsTheInstrumentationBecomesReadyIsWovenForReal() throws Exception {
    Weaver weaver = new Weaver();
    try (URLClassLoader loader = loader()) {
      DeferredTransformer deferred = new DeferredTransformer(Set.of(TARGET.replace('/', '.')), self -> { });
      CachedWeaving cached = CachedWeaving.before(deferred, new WovenClassCache(folder, "java -jar server.jar"), null,
          Set.of(LATE.replace('/', '.')), false);
      cached.keepPassed(weaver); // ready between its check and its load
      assertArrayEquals("woven original".getBytes(StandardCharsets.UTF_8),
          cached.transform(null, loader, LATE, null, null, ORIGINAL));
    }
  }

  @Test
  void retransformationsAndClassesItDoesNotTargetAreNotCached() throws Exception {
    Weaver weaver = new Weaver();
    try (URLClassLoader loader = loader()) {
      Start first = start(weaver);
      first.cached.transform(null, loader, "com/example/Other", null, null, ORIGINAL);
      first.cached.transform(null, loader, TARGET, Object.class, null, ORIGINAL);
      assertFalse(new WovenClassCache(folder, "java -jar server.jar").knowsThisHost(), "nothing kept");
    }
  }
}
