package dev.mcpratelimit.it;

import static dev.mcpratelimit.it.Calls.RECOMMEND;
import static dev.mcpratelimit.it.Calls.TRACK;
import static dev.mcpratelimit.it.Calls.assertAllowed;
import static dev.mcpratelimit.it.Calls.assertAllowedTimes;
import static dev.mcpratelimit.it.Calls.assertRateLimited;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.mcpratelimit.it.servers.AsyncToolServer;
import dev.mcpratelimit.it.servers.StatelessToolServer;
import io.modelcontextprotocol.client.McpSyncClient;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Servers built here on the SDK's other APIs, each in a forked JVM with the agent: an async server
 * ({@code McpServer.async}, Mono handlers) on Streamable HTTP, and a stateless server
 * ({@code HttpServletStatelessServerTransport}, sync handlers). Both are driven by the SDK's
 * Streamable HTTP client, which also talks to stateless servers (it simply gets no session id).
 */
class SdkServerKindsIT {

  @Test
  void theTestClassPathHoldsNoCopyOfTheAgent() {
    // The forked test servers run on this class path: a second copy of the agent there would
    // shadow the -javaagent jar's classes.
    assertThrows(ClassNotFoundException.class, () -> Class.forName("dev.mcpratelimit.gate.Gate"));
    List<String> agentEntries = List.of(System.getProperty("java.class.path").split(File.pathSeparator)).stream()
        .filter(entry -> entry.contains("mcp-ratelimit-agent") || entry.contains("bytebuddy")
            || entry.contains("byte-buddy") || entry.contains("caffeine"))
        .toList();
    assertEquals(List.of(), agentEntries);
  }

  @Test
  void anAsyncServerIsLimitedWithTheKeyInAnAuthorizationBearerHeader(@TempDir Path dir) throws Exception {
    List<String> lines = new ArrayList<>(List.of(
        "identity.header=Authorization",
        "tier.gold.rate=10/min",
        "tier.gold.burst=10"));
    lines.addAll(List.of(ConfigFile.caller("abe", "key-abe", "gold")));
    Path config = ConfigFile.write(dir, "ratelimit.properties", lines.toArray(String[]::new));

    try (ForkedServer server = ForkedServer.mainClass(AsyncToolServer.class).agent(config).start();
         McpSyncClient client = McpClients.http(server, "Authorization", "Bearer key-abe")) {
      server.assertAgentStarted("enforce");

      long start = System.nanoTime();
      assertAllowedTimes(10, client, "get_track", TRACK);
      RateLimited rejected = assertRateLimited(client, "get_track", TRACK, "call 11");

      // Tier gold, not the default tier: the bearer key identified the caller.
      rejected.assertMatches(new RateLimited(6, 10, 0, "gold", "get_track", "caller"),
          Duration.ofNanos(System.nanoTime() - start));
    }
  }

  @Test
  void aStatelessServerIsLimitedAndItsSyncHandlersCarryTheCaller(@TempDir Path dir) throws Exception {
    Path config = ConfigFile.write(dir, "ratelimit.properties", withCaller(List.of(
        "tier.free.rate=10/min",
        "tier.free.burst=10",
        "method.upstream.target=com.example.music.CatalogClient#recommend",
        "tool.upstream.tier.premium.rate=2/min",
        "caller.pia.api-key-sha256=" + McpClients.sha256("key-pia"),
        "caller.pia.tier=premium")));

    try (ForkedServer server = ForkedServer.mainClass(StatelessToolServer.class).agent(config).start();
         McpSyncClient ada = McpClients.http(server, "key-ada");
         McpSyncClient pia = McpClients.http(server, "key-pia")) {
      server.assertAgentStarted("enforce");

      long start = System.nanoTime();
      assertAllowedTimes(10, ada, "get_track", TRACK);
      RateLimited rejected = assertRateLimited(ada, "get_track", TRACK, "call 11");
      rejected.assertMatches(new RateLimited(6, 10, 0, "free", "get_track", "caller"),
          Duration.ofNanos(System.nanoTime() - start));

      // The upstream limit exists for premium callers only: a rejection naming it proves the
      // worker thread running the sync handler knew the caller.
      start = System.nanoTime();
      assertAllowedTimes(2, pia, "recommend_tracks", RECOMMEND);
      RateLimited upstream = assertRateLimited(pia, "recommend_tracks", RECOMMEND, "call 3");
      upstream.assertMatches(new RateLimited(30, 2, 0, "premium", "upstream", "caller-tool"),
          Duration.ofNanos(System.nanoTime() - start));
      assertAllowed(pia, "get_track", TRACK, "a tool that does not call upstream");
    }
  }

  private static String[] withCaller(List<String> lines) {
    List<String> all = new ArrayList<>(lines);
    all.addAll(List.of(ConfigFile.caller("ada", "key-ada", "free")));
    return all.toArray(String[]::new);
  }
}
