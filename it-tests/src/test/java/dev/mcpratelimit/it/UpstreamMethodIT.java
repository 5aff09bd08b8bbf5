package dev.mcpratelimit.it;

import static dev.mcpratelimit.it.Calls.RECOMMEND;
import static dev.mcpratelimit.it.Calls.TRACK;
import static dev.mcpratelimit.it.Calls.assertAllowed;
import static dev.mcpratelimit.it.Calls.assertAllowedTimes;
import static dev.mcpratelimit.it.Calls.assertRateLimited;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelcontextprotocol.client.McpSyncClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code method.upstream.target=com.example.music.CatalogClient#recommend}: the sample server's
 * {@code recommend_tracks} calls it from a sync tool handler, which the SDK runs on a worker thread.
 * The charge must go to the caller of the MCP call, which only a caller carried over to that thread
 * can explain: the limit below exists for premium callers only. Since the tool call already paid
 * the caller's tier bucket, the method only draws from its own buckets.
 */
class UpstreamMethodIT {

  private static final String TARGET = "method.upstream.target=com.example.music.CatalogClient#recommend";

  @Test
  void overHttpTheUpstreamMethodIsChargedToTheCallerOfTheToolCall(@TempDir Path dir) throws Exception {
    List<String> lines = new ArrayList<>(List.of(TARGET, "tool.upstream.tier.premium.rate=2/min"));
    lines.addAll(List.of(ConfigFile.caller("pat", "key-pat", "premium")));
    lines.addAll(List.of(ConfigFile.caller("fay", "key-fay", "free")));
    Path config = ConfigFile.write(dir, "ratelimit.properties", lines.toArray(String[]::new));

    try (ForkedServer server = ForkedServer.sampleServer().agent(config).start()) {
      server.assertAgentStarted("enforce");
      assertTrue(server.stderr().stream().anyMatch(line -> line.contains(" and methods ")
              && line.contains("com.example.music.CatalogClient#recommend")),
          () -> "start line should name the method; stderr:\n" + String.join("\n", server.stderr()));

      try (McpSyncClient pat = McpClients.http(server, "key-pat");
           McpSyncClient fay = McpClients.http(server, "key-fay")) {
        long start = System.nanoTime();
        assertAllowedTimes(2, pat, "recommend_tracks", RECOMMEND);
        RateLimited rejected = assertRateLimited(pat, "recommend_tracks", RECOMMEND, "call 3");
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

        // 2/min for premium callers of "upstream": 30 s to the next token.
        rejected.assertMatches(new RateLimited(30, 2, 0, "premium", "upstream", "caller-tool"), elapsed);
        assertAllowed(pat, "get_track", TRACK, "pat, a tool that does not call upstream");

        // A free caller has no upstream limit. Its tool call already paid its tier bucket, so the
        // method inside it is not charged there again: recommend_tracks costs 1, 10 calls in burst 10.
        long fayStart = System.nanoTime();
        assertAllowedTimes(10, fay, "recommend_tracks", RECOMMEND);
        RateLimited eleventh = assertRateLimited(fay, "recommend_tracks", RECOMMEND, "fay's call 11");
        eleventh.assertMatches(new RateLimited(6, 10, 0, "free", "recommend_tracks", "caller"),
            Duration.ofNanos(System.nanoTime() - fayStart));
      }
    }
  }

  /**
   * The class is loaded and has run before a reload names its method: it is retransformed before
   * the reload says its limits are in force, however the SDK's classes were woven: by Byte Buddy (no
   * weaving cache, or an empty one, shipped weaves off), from the cache (Byte Buddy never built), or
   * from the weaves the jar ships.
   */
  @Test
  void aMethodNamedByAReloadIsLimitedInTheLoadedClassOnceTheReloadIsInForce(@TempDir Path dir) throws Exception {
    Path fineLog = ConfigFile.write(dir, "logging.properties", "mcp.ratelimit.level=FINE");
    String[] caches = {"off", dir.resolve("weaving-cache").toString(), dir.resolve("weaving-cache").toString(), "off"};
    for (int start = 0; start < caches.length; start++) {
      List<String> lines = new ArrayList<>(List.of("tool.upstream.tier.premium.rate=2/min"));
      lines.addAll(List.of(ConfigFile.caller("pat", "key-pat", "premium")));
      Path config = ConfigFile.write(dir, "ratelimit.properties", lines.toArray(String[]::new));

      try (ForkedServer server = ForkedServer.sampleServer().jvmOption("-Dmcp.ratelimit.weaving-cache=" + caches[start])
          .jvmOption("-Dmcp.ratelimit.shipped-weaves=" + (start < 3 ? "off" : "on"))
          .jvmOption("-Djava.util.logging.config.file=" + fineLog).agent(config).start()) {
        server.assertAgentStarted("enforce");
        try (McpSyncClient pat = McpClients.http(server, "key-pat")) {
          assertAllowedTimes(3, pat, "recommend_tracks", RECOMMEND); // no method limited yet
          if (start >= 2) {
            int run = start;
            String source = run == 2 ? " from the weaving cache" : " from the weaves the agent ships";
            List<String> before = List.copyOf(server.stderr());
            assertTrue(before.stream().anyMatch(line -> line.endsWith(source))
                    && before.stream().noneMatch(line -> line.endsWith(" is neither in the weaving cache nor shipped woven")),
                () -> "start " + run + " should be served" + source + " alone; stderr:\n" + String.join("\n", before));
          }

          lines.add(0, TARGET);
          int seen = server.stderr().size();
          ConfigFile.replace(config, lines.toArray(String[]::new));
          server.awaitStderr(seen, line -> line.equals("[mcp-ratelimit] INFO " + config
              + ": reloaded; mode enforce, the new limits are in force"), Duration.ofSeconds(15));

          long began = System.nanoTime();
          assertAllowedTimes(2, pat, "recommend_tracks", RECOMMEND);
          RateLimited rejected = assertRateLimited(pat, "recommend_tracks", RECOMMEND,
              "call 3 after the reload, weaving cache " + caches[start] + (start == 2 ? " (filled)" : "")
                  + (start == 3 ? ", shipped weaves" : ""));
          rejected.assertMatches(new RateLimited(30, 2, 0, "premium", "upstream", "caller-tool"),
              Duration.ofNanos(System.nanoTime() - began));
        }
        assertTrue(server.stderr().stream().noneMatch(line -> line.contains("WARNING")),
            () -> String.join("\n", server.stderr()));
      }
    }
  }

  /**
   * Targets that can never be limited next to one that can: a class the agent's own build loads
   * (it once held that class back and waited for itself until the 10 s deadline, leaving the host
   * unlimited), a method the class does not declare, and more targets than the start line names.
   */
  @Test
  void targetsThatCannotBeLimitedAreSaidAndTheOthersStillHold(@TempDir Path dir) throws Exception {
    List<String> lines = new ArrayList<>(List.of(TARGET, "tool.upstream.tier.premium.rate=2/min",
        "method.jdk.target=java.net.URLClassLoader#close",
        "method.gone.target=com.example.music.CatalogClient#nothing"));
    for (int i = 1; i <= 9; i++) {
      lines.add("method.absent" + i + ".target=com.example.absent.Client" + i + "#call");
    }
    lines.addAll(List.of(ConfigFile.caller("pat", "key-pat", "premium")));
    Path config = ConfigFile.write(dir, "ratelimit.properties", lines.toArray(String[]::new));

    try (ForkedServer server = ForkedServer.sampleServer().jvmOption("-Dmcp.ratelimit.weaving-cache=off")
        .agent(config).start()) {
      server.assertStartLine("enforce");
      try (McpSyncClient pat = McpClients.http(server, "key-pat")) {
        assertAllowedTimes(2, pat, "recommend_tracks", RECOMMEND);
        assertRateLimited(pat, "recommend_tracks", RECOMMEND, "call 3: the upstream limit holds");
      }
      List<String> stderr = List.copyOf(server.stderr());
      String all = String.join("\n", stderr);
      assertTrue(stderr.contains("[mcp-ratelimit] WARNING " + config + ":3: method.jdk.target: method jdk names a class"
          + " of the JDK (java.*, jdk.*, sun.*) or of the agent, which is never instrumented"), all);
      assertTrue(stderr.contains("[mcp-ratelimit] WARNING method.gone.target: com.example.music.CatalogClient declares"
          + " no method nothing with a body (it is abstract, native, inherited or missing): nothing is limited"), all);
      assertTrue(stderr.stream().anyMatch(line -> line.contains(" started: ") && line.contains(" and 2 more")), all);
      assertTrue(stderr.stream().noneMatch(line -> line.contains("was not ready")), all);
      assertTrue(stderr.stream().filter(line -> line.contains("WARNING")).count() == 2, all);
    }
  }

  @Test
  void overStdioTheUpstreamMethodIsChargedToTheStdioCaller(@TempDir Path dir) throws Exception {
    Path config = ConfigFile.write(dir, "ratelimit.properties",
        TARGET,
        "tool.upstream.tier.basic.rate=2/min",
        "caller.local.tier=basic",
        "stdio.caller=local");
    List<String> stderr = new CopyOnWriteArrayList<>();

    try (McpSyncClient client = McpClients.stdio(ForkedServer.stdioServerArgs(config), stderr::add)) {
      long start = System.nanoTime();
      assertAllowedTimes(2, client, "recommend_tracks", RECOMMEND);
      RateLimited rejected = assertRateLimited(client, "recommend_tracks", RECOMMEND, "call 3");
      Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

      rejected.assertMatches(new RateLimited(30, 2, 0, "basic", "upstream", "caller-tool"), elapsed);
    } finally {
      ForkedServer.assertNoStdioServerLeft();
    }
  }
}
