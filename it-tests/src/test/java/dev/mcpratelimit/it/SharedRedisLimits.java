package dev.mcpratelimit.it;

import static dev.mcpratelimit.it.Calls.TRACK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelcontextprotocol.client.McpSyncClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two sample servers with the agent and store=redis share one real Redis (or Redis Cluster, see
 * the subclasses): one limit for both, sequential or concurrent, a tool's global bucket included.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SharedRedisLimits {

  /** Where the servers' files are. */
  Path dir;

  ForkedServer a;
  ForkedServer b;
  private final List<McpSyncClient> clients = new ArrayList<>();

  /** Starts the Redis the servers share; the store lines of their file; stopped with {@link #redis}. */
  abstract List<String> startRedis() throws Exception;

  /** The Redis started, to stop at the end. */
  abstract AutoCloseable redis();

  /** What the agent's start line says of the store. */
  abstract String storeInStartLine();

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    this.dir = dir;
    List<String> lines = new ArrayList<>(startRedis());
    lines.addAll(List.of(
        // Generous on a shared 2-core machine: a slow first call must not fall back to local buckets.
        "store.redis.timeout=2s",
        "tier.free.rate=10/min",
        "tier.free.burst=10",
        "tier.team.rate=20/h",
        "tier.team.burst=20",
        "tool.search_tracks.global.rate=6/h",
        "tool.search_tracks.global.burst=6"));
    lines.addAll(List.of(ConfigFile.caller("walker", "key-walker", "free")));
    lines.addAll(List.of(ConfigFile.caller("searcher", "key-searcher", "free")));
    lines.addAll(List.of(ConfigFile.caller("browser", "key-browser", "team")));
    lines.addAll(List.of(ConfigFile.caller("reader", "key-reader", "free")));
    lines.addAll(List.of(ConfigFile.caller("crowd", "key-crowd", "team")));
    Path config = ConfigFile.write(dir, "ratelimit.properties", lines.toArray(String[]::new));
    a = ForkedServer.sampleServer().agent(config).start();
    b = ForkedServer.sampleServer().agent(config).start();
  }

  @AfterAll
  void stop() {
    clients.forEach(McpSyncClient::close);
    Calls.closeAll(a, b, redis());
  }

  private McpSyncClient client(ForkedServer server, String key) {
    McpSyncClient client = McpClients.http(server, key);
    clients.add(client);
    return client;
  }

  @Test
  void bothServersStartWithTheRedisStoreAndSlf4jSaysNothing() {
    for (ForkedServer server : List.of(a, b)) {
      server.assertAgentStarted("enforce");
      assertTrue(server.stderr().stream().anyMatch(line -> line.contains(", store " + storeInStartLine() + ",")),
          () -> String.join("\n", server.stderr()));
      assertTrue(server.stderr().stream().noneMatch(line -> line.contains("SLF4J")),
          () -> "SLF4J wrote to the host's stderr:\n" + String.join("\n", server.stderr()));
    }
  }

  @Test
  void callsAlternatingBetweenTheServersAdmitExactlyTheBurstTogether() {
    McpSyncClient onA = client(a, "key-walker");
    McpSyncClient onB = client(b, "key-walker");
    int admitted = 0;
    for (int i = 0; i < 16; i++) {
      admitted += Calls.admitted(i % 2 == 0 ? onA : onB) ? 1 : 0;
    }
    assertEquals(10, admitted, "one burst of 10 for both servers, not 10 each");
  }

  @Test
  void aToolsGlobalBucketBindsAcrossServersAndCallers() {
    List<McpSyncClient> all = List.of(client(a, "key-searcher"), client(b, "key-searcher"),
        client(a, "key-browser"), client(b, "key-browser"));
    int admitted = 0;
    for (int i = 0; i < 12; i++) {
      try {
        Calls.call(all.get(i % all.size()), "search_tracks", Calls.SEARCH);
        admitted++;
      } catch (RuntimeException e) {
        Object data = SdkClientError.of(e).data();
        assertEquals("tool-global", ((java.util.Map<?, ?>) data).get("scope"), String.valueOf(data));
      }
    }
    assertEquals(6, admitted, "one global bucket of 6 for two callers on two servers");
  }

  @Test
  void theHeadersOfOneServerTellWhatTheOtherSpent() {
    RawMcpClient onA = RawMcpClient.connect(a, McpClients.API_KEY_HEADER, "key-reader");
    RawMcpClient onB = RawMcpClient.connect(b, McpClients.API_KEY_HEADER, "key-reader");
    for (int spent = 1; spent <= 4; spent++) {
      RawMcpClient.Response response = (spent % 2 == 1 ? onA : onB).callTool("get_track", TRACK);
      assertEquals(10 - spent, response.longHeader("X-RateLimit-Remaining"), response::toString);
    }
  }

  @Test
  void concurrentCallsOnBothServersAdmitExactlyTheBurst() throws Exception {
    List<McpSyncClient> connections = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      connections.add(client(i % 2 == 0 ? a : b, "key-crowd"));
    }
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (McpSyncClient connection : connections) {
        results.add(pool.submit(() -> {
          int admitted = 0;
          for (int i = 0; i < 60 / 8 + 1; i++) {
            admitted += Calls.admitted(connection) ? 1 : 0;
          }
          return admitted;
        }));
      }
      int admitted = 0;
      for (Future<Integer> result : results) {
        admitted += result.get();
      }
      // 20/h refills one token per 3 minutes: nothing refills while this runs.
      assertEquals(20, admitted, "64 calls over 8 connections and two servers");
    } finally {
      pool.shutdownNow();
    }
  }
}
