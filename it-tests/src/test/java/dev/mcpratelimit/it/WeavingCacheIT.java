package dev.mcpratelimit.it;

import static dev.mcpratelimit.it.Calls.RECOMMEND;
import static dev.mcpratelimit.it.Calls.TRACK;
import static dev.mcpratelimit.it.Calls.assertAllowed;
import static dev.mcpratelimit.it.Calls.assertAllowedTimes;
import static dev.mcpratelimit.it.Calls.assertRateLimited;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelcontextprotocol.client.McpSyncClient;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The weaving cache, as users run it: the packaged agent on the sample server, started twice on
 * one cache folder, as for an SDK release the jar does not ship woven (shipped weaves switched
 * off, see {@link ShippedWeavesIT}). The second start serves every class from the folder and loads
 * no Byte Buddy (read from the JVM's own class-load log), and limits exactly as the first. A
 * configured method is woven apart from the cache, whichever it is; entries that were damaged are
 * woven again; a folder others may write to is not used.
 */
class WeavingCacheIT {

  /** Byte Buddy itself, not the ASM it bundles (the configured method's weave uses that). */
  private static final String SHADED_BYTE_BUDDY = "dev.mcpratelimit.shaded.bytebuddy.";
  private static final String SHADED_ASM = SHADED_BYTE_BUDDY + "jar.asm.";
  private static final String LIMITING_DISPATCH = "limiting tools/call of McpAsyncServer";

  private record Started(List<String> stderr, boolean loadedByteBuddy) {}

  private static Path config(Path dir, String method) throws Exception {
    List<String> lines = new ArrayList<>(List.of("method.upstream.target=com.example.music.CatalogClient#" + method,
        "tool.upstream.tier.premium.rate=2/min"));
    lines.addAll(List.of(ConfigFile.caller("pat", "key-pat", "premium")));
    return ConfigFile.write(dir, "ratelimit.properties", lines.toArray(String[]::new));
  }

  /** One start on {@code cache}: the upstream method's limit holds (2 calls, then a rejection) and the tool calls work. */
  private static Started startAndCall(Path dir, Path cache, Path config, int run, boolean upstreamLimited) throws Exception {
    Path classLoads = dir.resolve("class-loads-" + run + ".txt");
    try (ForkedServer server = ForkedServer.sampleServer().agent(config)
        .jvmOption("-Dmcp.ratelimit.weaving-cache=" + cache)
        .jvmOption("-Dmcp.ratelimit.shipped-weaves=off")
        .jvmOption("-Xlog:class+load:file=" + classLoads)
        .start();
         McpSyncClient pat = McpClients.http(server, "key-pat")) {
      if (Files.isWritable(cache) && Files.getPosixFilePermissions(cache).contains(PosixFilePermission.OTHERS_WRITE)) {
        server.assertStartLine("enforce"); // with the warning about the folder, which the test reads
      } else {
        server.assertAgentStarted("enforce");
      }
      if (upstreamLimited) {
        assertAllowedTimes(2, pat, "recommend_tracks", RECOMMEND);
        assertRateLimited(pat, "recommend_tracks", RECOMMEND, "run " + run + ", call 3: the method's limit");
      } else {
        assertAllowedTimes(3, pat, "recommend_tracks", RECOMMEND);
      }
      assertAllowed(pat, "get_track", TRACK, "run " + run);
      List<String> stderr = List.copyOf(server.stderr());
      try (Stream<String> lines = Files.lines(classLoads)) {
        return new Started(stderr, lines.anyMatch(WeavingCacheIT::byteBuddy));
      }
    }
  }

  private static boolean byteBuddy(String classLoad) {
    return classLoad.contains(SHADED_BYTE_BUDDY) && !classLoad.contains(SHADED_ASM);
  }

  private static long entries(Path cache) throws Exception {
    try (Stream<Path> files = Files.walk(cache)) {
      return files.filter(path -> path.toString().endsWith(".woven")).count();
    }
  }

  private static boolean says(Started started, String text) {
    return started.stderr.stream().anyMatch(line -> line.contains(text));
  }

  @Test
  void aSecondStartServesEveryClassFromTheCacheAndLoadsNoByteBuddy(@TempDir Path dir) throws Exception {
    Path cache = dir.resolve("cache");
    Path config = config(dir, "recommend");
    Started first = startAndCall(dir, cache, config, 1, true);
    assertTrue(first.loadedByteBuddy, "the first start weaves");
    assertTrue(entries(cache) >= 3, "what it wove is kept: " + entries(cache));
    assertTrue(says(first, LIMITING_DISPATCH), String.join("\n", first.stderr));

    Started second = startAndCall(dir, cache, config, 2, true);
    assertFalse(second.loadedByteBuddy, "every class served from the cache:\n" + String.join("\n", second.stderr));
    assertTrue(says(second, LIMITING_DISPATCH), "the weave's line is said again:\n" + String.join("\n", second.stderr));
    assertEquals(1, second.stderr.stream().filter(line -> line.contains(LIMITING_DISPATCH)).count(), "once");
  }

  /**
   * A Spring AI WebFlux server: its calls are tied to their HTTP request by advice in McpSchema, a
   * class the instrumentation does not wait for. Served from the cache, the tie still holds: a
   * known key is served with its headers, a call without one is refused (identity.require-key).
   */
  @Test
  void aWebFluxServerServedFromTheCacheStillKnowsWhoIsCalling(@TempDir Path dir) throws Exception {
    Path cache = dir.resolve("cache");
    List<String> lines = new ArrayList<>(List.of("identity.require-key=true", "tier.free.rate=3/h", "tier.free.burst=3"));
    lines.addAll(List.of(ConfigFile.caller("rita", "rita-key-Qm4Lw9", "free")));
    Path config = ConfigFile.write(dir, "ratelimit.properties", lines.toArray(String[]::new));
    Path jar = Path.of(System.getProperty("matrix.servers.dir")).resolve("spring-ai-2.0.0-webflux.jar");
    for (int run = 1; run <= 2; run++) {
      Path classLoads = dir.resolve("webflux-class-loads-" + run + ".txt");
      try (ForkedServer server = ForkedServer.executableJar(jar, "--server.port=0", "--spring.ai.mcp.server.protocol=STREAMABLE")
          .jvmOption("-Dreactor.netty.ioShutdownQuietPeriod=0")
          .jvmOption("-Dmcp.ratelimit.weaving-cache=" + cache)
          .jvmOption("-Dmcp.ratelimit.shipped-weaves=off")
          .jvmOption("-Xlog:class+load:file=" + classLoads)
          .agent(config).start()) {
        server.assertAgentStarted("enforce");
        URI endpoint = URI.create(server.url());
        RawMcpClient none = RawMcpClient.open(endpoint, "2025-03-26");
        RawMcpClient rita = RawMcpClient.open(endpoint, "2025-03-26", McpClients.API_KEY_HEADER, "rita-key-Qm4Lw9");
        try {
          CallerIdentityIT.assertUnauthorized(none.callTool("echo", Map.of("text", "hi")), 401);
          RawMcpClient.Response admitted = rita.callTool("echo", Map.of("text", "hi"));
          admitted.assertToolResult("rita, run " + run);
          admitted.assertRateLimitHeaders("free", 3, 2, 3600, 1200, null, admitted.sentEpochMillis());
        } finally {
          none.close();
          rita.close();
        }
      }
      try (Stream<String> loaded = Files.lines(classLoads)) {
        boolean byteBuddy = loaded.anyMatch(WeavingCacheIT::byteBuddy);
        assertEquals(run == 1, byteBuddy, "run " + run + (run == 1 ? " weaves" : " is served from the cache"));
      }
    }
  }

  @Test
  void aConfiguredMethodIsWovenApartFromTheCache(@TempDir Path dir) throws Exception {
    Path cache = dir.resolve("cache");
    startAndCall(dir, cache, config(dir, "recommend"), 1, true);
    long kept = entries(cache);
    // Another method of the same class: only the SDK's classes are kept, and they serve either way.
    Started other = startAndCall(dir, cache, config(dir, "search"), 2, false);
    assertFalse(other.loadedByteBuddy, "served from the cache:\n" + String.join("\n", other.stderr));
    Started back = startAndCall(dir, cache, config(dir, "recommend"), 3, true);
    assertFalse(back.loadedByteBuddy, "served from the cache:\n" + String.join("\n", back.stderr));
    assertEquals(kept, entries(cache), "nothing more kept");
  }

  @Test
  void damagedEntriesAreWovenAgain(@TempDir Path dir) throws Exception {
    Path cache = dir.resolve("cache");
    Path config = config(dir, "recommend");
    startAndCall(dir, cache, config, 1, true);
    try (Stream<Path> files = Files.walk(cache)) {
      for (Path entry : files.filter(path -> path.toString().endsWith(".woven")).toList()) {
        byte[] bytes = Files.readAllBytes(entry);
        bytes[bytes.length / 2] ^= 0x20;
        Files.write(entry, bytes);
      }
    }
    Started second = startAndCall(dir, cache, config, 2, true);
    assertTrue(second.loadedByteBuddy, "nothing damaged is served: woven again");
    Started third = startAndCall(dir, cache, config, 3, true);
    assertFalse(third.loadedByteBuddy, "and kept again");
  }

  @Test
  void aFolderOthersMayWriteToIsNotUsed(@TempDir Path dir) throws Exception {
    Path cache = Files.createDirectory(dir.resolve("cache"));
    Files.setPosixFilePermissions(cache, PosixFilePermissions.fromString("rwxrwxrwx"));
    Started started = startAndCall(dir, cache, config(dir, "recommend"), 1, true);
    assertTrue(says(started, "the weaving cache " + cache + " is not used: others may write to it"),
        String.join("\n", started.stderr));
    assertEquals(0, entries(cache));
  }
}
