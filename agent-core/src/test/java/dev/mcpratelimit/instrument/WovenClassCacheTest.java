package dev.mcpratelimit.instrument;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WovenClassCacheTest {

  private static final String TARGET = "io/modelcontextprotocol/server/McpAsyncServer";
  private static final byte[] ORIGINAL = "original class file".getBytes(StandardCharsets.UTF_8);
  private static final byte[] WOVEN = "woven class file".getBytes(StandardCharsets.UTF_8);

  @TempDir
  Path folder;
  @TempDir
  Path classes;

  /** A loader over {@link #classes}, where the test writes the resources a weave read. */
  private URLClassLoader loader() throws Exception {
    return new URLClassLoader(new URL[] {classes.toUri().toURL()}, null);
  }

  private void write(String resource, String content) throws Exception {
    Path file = classes.resolve(resource);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
  }

  /** The reads of a weave that read {@code Exchange.class}, found {@code Landmark.class} and no {@code Other.class}. */
  private Set<WeaveInputs.Read> reads() throws Exception {
    try (WeaveInputs.Recording recording = WeaveInputs.record()) {
      WeaveInputs.read("io/sdk/Exchange.class", Files.readAllBytes(classes.resolve("io/sdk/Exchange.class")));
      WeaveInputs.presence("io/sdk/Landmark.class", true);
      WeaveInputs.read("io/sdk/Other.class", null);
      WeaveInputs.read("java/lang/Object.class", new byte[] {1}); // the JDK's own: never an input
      return Set.copyOf(recording.reads());
    }
  }

  private WovenClassCache keptWeave() throws Exception {
    write("io/sdk/Exchange.class", "exchange v1");
    write("io/sdk/Landmark.class", "landmark");
    WovenClassCache cache = new WovenClassCache(folder, "java -jar server.jar");
    cache.keep(new WovenEntry(TARGET, ORIGINAL, reads(), List.of("INFO limiting tools/call"), WOVEN, false));
    return cache;
  }

  @Test
  void aWeaveIsFoundAgainForTheSameClassWhereEverythingItReadIsTheSame() throws Exception {
    WovenClassCache cache = keptWeave();
    try (URLClassLoader loader = loader()) {
      WovenEntry.Woven found = new WovenClassCache(folder, "java -jar server.jar").find(TARGET, ORIGINAL, loader);
      assertNotNull(found);
      assertArrayEquals(WOVEN, found.bytes());
      assertEquals(List.of("INFO limiting tools/call"), found.lines());
    }
    assertTrue(cache.knowsThisHost(), "a host that kept a weave is known at its next start");
    assertFalse(new WovenClassCache(folder, "java -jar other.jar").knowsThisHost(), "another server is not");
  }

  @Test
  void anotherClassFileOrOtherConfiguredMethodsMissIt() throws Exception {
    WovenClassCache cache = keptWeave();
    try (URLClassLoader loader = loader()) {
      assertNull(cache.find(TARGET, "another version".getBytes(StandardCharsets.UTF_8), loader));
      assertNull(cache.find("io/modelcontextprotocol/server/McpStatelessAsyncServer", ORIGINAL, loader));
    }
  }

  @Test
  void aClassItReadThatChangedMissesIt() throws Exception {
    WovenClassCache cache = keptWeave();
    write("io/sdk/Exchange.class", "exchange v2");
    try (URLClassLoader loader = loader()) {
      assertNull(cache.find(TARGET, ORIGINAL, loader));
    }
  }

  @Test
  void aLandmarkThatIsGoneOrAClassThatAppearedMissesIt() throws Exception {
    WovenClassCache cache = keptWeave();
    Files.delete(classes.resolve("io/sdk/Landmark.class"));
    try (URLClassLoader loader = loader()) {
      assertNull(cache.find(TARGET, ORIGINAL, loader), "a landmark gone");
    }
    write("io/sdk/Landmark.class", "another landmark, same presence");
    write("io/sdk/Other.class", "now there");
    try (URLClassLoader loader = loader()) {
      assertNull(cache.find(TARGET, ORIGINAL, loader), "a class that was absent");
    }
    Files.delete(classes.resolve("io/sdk/Other.class"));
    try (URLClassLoader loader = loader()) {
      assertNotNull(cache.find(TARGET, ORIGINAL, loader), "a landmark is read for its presence only");
    }
  }

  @Test
  void aDamagedOrTruncatedEntryIsNotUsed() throws Exception {
    WovenClassCache cache = keptWeave();
    Path entry;
    try (Stream<Path> files = Files.list(folder)) {
      entry = files.filter(path -> path.toString().endsWith(".woven")).findFirst().orElseThrow();
    }
    byte[] bytes = Files.readAllBytes(entry);
    bytes[bytes.length / 2] ^= 1;
    Files.write(entry, bytes);
    try (URLClassLoader loader = loader()) {
      assertNull(cache.find(TARGET, ORIGINAL, loader), "one flipped bit");
      Files.write(entry, java.util.Arrays.copyOf(bytes, bytes.length / 3));
      assertNull(cache.find(TARGET, ORIGINAL, loader), "cut short");
      Files.write(entry, new byte[0]);
      assertNull(cache.find(TARGET, ORIGINAL, loader), "empty");
    }
  }

  @Test
  void aClassTheInstrumentationLeftAsItWasIsKeptToo() throws Exception {
    write("io/sdk/Exchange.class", "exchange v1");
    write("io/sdk/Landmark.class", "landmark");
    WovenClassCache cache = new WovenClassCache(folder, "java -jar server.jar");
    assertFalse(cache.knowsThisHost());
    cache.keep(new WovenEntry(TARGET, ORIGINAL, reads(), List.of("WARNING no instrumentation fits"), null, false));
    try (URLClassLoader loader = loader()) {
      WovenEntry.Woven found = cache.find(TARGET, ORIGINAL, loader);
      assertNotNull(found);
      assertNull(found.bytes(), "left as it was");
    }
  }
}
