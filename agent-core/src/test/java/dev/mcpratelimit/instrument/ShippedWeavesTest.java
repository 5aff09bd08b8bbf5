package dev.mcpratelimit.instrument;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShippedWeavesTest {

  private static final String TARGET = "io/modelcontextprotocol/server/McpAsyncServer";
  private static final String OTHER = "io/modelcontextprotocol/server/McpStatelessAsyncServer";
  private static final byte[] WOVEN_V1 = bytes("woven with reactor 1");
  private static final byte[] WOVEN_V2 = bytes("woven with reactor 2");

  /** Stands for the agent jar: where the shipped entries are resources. */
  @TempDir
  Path jar;
  /** Stands for the host's class path. */
  @TempDir
  Path host;

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private void write(Path root, String resource, byte[] content) throws Exception {
    Path file = root.resolve(resource);
    Files.createDirectories(file.getParent());
    Files.write(file, content);
  }

  /** What the jar ships, by file name, for its index. */
  private final Map<String, WovenEntry> shipped = new HashMap<>();

  /** A shipped weave of the host's class {@code className} that read {@code reactor/Mono.class} as {@code mono}. */
  private void ship(String className, String mono, byte[] woven, int alternative) throws Exception {
    byte[] original = Files.readAllBytes(host.resolve(className + ".class"));
    Set<WeaveInputs.Read> reads = Set.of(new WeaveInputs.Read("reactor/Mono.class", WeaveInputs.checksum(bytes(mono))));
    String name = WovenEntry.fileName(className, original) + (alternative == 0 ? "" : "-" + alternative);
    WovenEntry entry = new WovenEntry(className, original, reads, List.of("INFO limiting " + className), woven, false);
    write(jar, ShippedWeaves.FOLDER + name, entry.bytes());
    shipped.put(name, entry);
    write(jar, ShippedWeaves.INDEX, ShippedWeaves.index(shipped));
  }

  /** What the jar serves of {@code targets} in the host's loader, both as they are now. */
  private ShippedWeaves.Serving serving(List<String> targets) throws Exception {
    try (URLClassLoader agent = loader(jar); URLClassLoader hostLoader = loader(host)) {
      return new ShippedWeaves(agent).serving(targets, hostLoader);
    }
  }

  private URLClassLoader loader(Path root) throws Exception {
    return new URLClassLoader(new URL[] {root.toUri().toURL()}, null);
  }

  @Test
  void aClassIsServedWhereEverythingItsWeaveReadReadsTheSame() throws Exception {
    write(host, TARGET + ".class", bytes("McpAsyncServer 2.1.0"));
    write(host, "reactor/Mono.class", bytes("Mono 2"));
    ship(TARGET, "Mono 1", WOVEN_V1, 0);
    ship(TARGET, "Mono 2", WOVEN_V2, 1); // the same class file in a release with another Reactor
    try (URLClassLoader agent = loader(jar); URLClassLoader hostLoader = loader(host)) {
      ShippedWeaves shipped = new ShippedWeaves(agent);
      WovenEntry.Woven served = shipped.find(TARGET, Files.readAllBytes(host.resolve(TARGET + ".class")), hostLoader);
      assertArrayEquals(WOVEN_V2, served.bytes(), "the entry whose reads hold");
      assertEquals(List.of("INFO limiting " + TARGET), served.lines());
      assertNull(shipped.find(TARGET, bytes("McpAsyncServer 2.1.1"), hostLoader), "another release is not shipped");
    }
  }

  @Test
  void aReadThatDiffersOrADamagedEntryServesNothing() throws Exception {
    write(host, TARGET + ".class", bytes("McpAsyncServer 2.1.0"));
    write(host, "reactor/Mono.class", bytes("Mono 3"));
    ship(TARGET, "Mono 1", WOVEN_V1, 0);
    byte[] original = Files.readAllBytes(host.resolve(TARGET + ".class"));
    try (URLClassLoader agent = loader(jar); URLClassLoader hostLoader = loader(host)) {
      assertNull(new ShippedWeaves(agent).find(TARGET, original, hostLoader), "Reactor differs");
    }
    Path entry = jar.resolve(ShippedWeaves.FOLDER + WovenEntry.fileName(TARGET, original));
    byte[] damaged = Files.readAllBytes(entry);
    damaged[damaged.length / 2] ^= 1;
    Files.write(entry, damaged);
    write(host, "reactor/Mono.class", bytes("Mono 1"));
    try (URLClassLoader agent = loader(jar); URLClassLoader hostLoader = loader(host)) {
      assertNull(new ShippedWeaves(agent).find(TARGET, original, hostLoader), "a damaged entry is never used");
    }
  }

  @Test
  void theIndexGivesEachEntrysReads() {
    Set<WeaveInputs.Read> reads = Set.of(new WeaveInputs.Read("reactor/Mono.class", 42),
        new WeaveInputs.Read("META-INF/maven/io.modelcontextprotocol.sdk/mcp/pom.properties", WeaveInputs.ABSENT),
        new WeaveInputs.Read("io/sdk/Landmark.class", WeaveInputs.PRESENT));
    WovenEntry entry = new WovenEntry(TARGET, bytes("x"), reads, List.of(), null, false);
    Map<String, String> lines = ShippedWeaves.indexLines(ShippedWeaves.index(Map.of("a.woven", entry, "a.woven-1",
        new WovenEntry(TARGET, bytes("x"), Set.of(), List.of(), null, false), "b.woven" + ShippedWeaves.UNWOVEN,
        new WovenEntry(TARGET, bytes("y"), reads, List.of(), null, true))));
    assertEquals(Set.of("a.woven", "a.woven-1", "b.woven" + ShippedWeaves.UNWOVEN), lines.keySet());
    assertEquals(reads, ShippedWeaves.reads(lines.get("b.woven" + ShippedWeaves.UNWOVEN)));
    assertEquals(reads, ShippedWeaves.reads(lines.get("a.woven")));
    assertEquals(Set.of(), ShippedWeaves.reads(lines.get("a.woven-1")));
  }

  @Test
  void aLoaderIsServedOnlyIfEveryTargetClassItHasIsShipped() throws Exception {
    write(host, "reactor/Mono.class", bytes("Mono 1"));
    List<String> targets = List.of(TARGET, OTHER, "io/modelcontextprotocol/spec/McpSchema");
    assertEquals(ShippedWeaves.Serving.NONE, serving(targets),
        "no target class at all: its SDK is elsewhere, if anywhere");
    write(host, TARGET + ".class", bytes("McpAsyncServer 2.1.0"));
    write(host, OTHER + ".class", bytes("McpStatelessAsyncServer 2.1.0"));
    ship(TARGET, "Mono 1", WOVEN_V1, 0);
    assertEquals(ShippedWeaves.Serving.NOT_ALL, serving(targets), "one class it has is not shipped");
    ship(OTHER, "Mono 1", WOVEN_V1, 0);
    assertEquals(ShippedWeaves.Serving.ALL, serving(targets));
    write(host, "reactor/Mono.class", bytes("Mono 2"));
    ship(OTHER, "Mono 2", WOVEN_V2, 1);
    assertEquals(ShippedWeaves.Serving.NOT_ALL, serving(targets), "served only where every read holds");
    ship(TARGET, "Mono 2", WOVEN_V2, 1);
    assertEquals(ShippedWeaves.Serving.ALL, serving(targets), "by the alternatives in the index");
    String schema = "io/modelcontextprotocol/spec/McpSchema";
    write(host, schema + ".class", bytes("McpSchema, whose weave fails without its superclass"));
    assertEquals(ShippedWeaves.Serving.NOT_ALL, serving(targets));
    // Where a release's server lacks the Servlet API, the build could not weave the class: that weave's reads
    String servlet = "jakarta/servlet/http/HttpServlet.class";
    String unwoven = WovenEntry.fileName(schema, Files.readAllBytes(host.resolve(schema + ".class"))) + ShippedWeaves.UNWOVEN;
    shipped.put(unwoven, new WovenEntry(schema, bytes("-"), Set.of(new WeaveInputs.Read(servlet, WeaveInputs.ABSENT)),
        List.of(), null, true));
    ship(TARGET, "Mono 2", WOVEN_V2, 1); // writes the index again
    assertEquals(ShippedWeaves.Serving.ALL, serving(targets),
        "without the Servlet API here either, the class cannot load here: no reason to build");
    write(host, servlet, bytes("the Servlet API"));
    assertEquals(ShippedWeaves.Serving.NOT_ALL, serving(targets),
        "with it, the class may load and be woven: build at once");
  }
}
