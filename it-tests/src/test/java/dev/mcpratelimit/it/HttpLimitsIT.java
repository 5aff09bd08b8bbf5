package dev.mcpratelimit.it;

import static dev.mcpratelimit.it.Calls.ALBUM;
import static dev.mcpratelimit.it.Calls.RECOMMEND;
import static dev.mcpratelimit.it.Calls.SEARCH;
import static dev.mcpratelimit.it.Calls.TRACK;
import static dev.mcpratelimit.it.Calls.assertAllowed;
import static dev.mcpratelimit.it.Calls.assertAllowedTimes;
import static dev.mcpratelimit.it.Calls.assertRateLimited;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpError;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sample server (sync, Streamable HTTP) with the agent, driven by the SDK client with API keys.
 * One server for the class: every test has its own caller, and the tool limits of one test never
 * touch a tool another test calls with a caller of the same tier.
 */
class HttpLimitsIT {

  @TempDir
  static Path dir;

  private static ForkedServer server;
  private static final List<McpSyncClient> clients = new ArrayList<>();

  @BeforeAll
  static void startServer() throws Exception {
    List<String> lines = new ArrayList<>(List.of(
        "tier.free.rate=10/min",
        "tier.free.burst=10",
        "default-tier=free",
        "tier.big.rate=1000/min",
        "tool.recommend_tracks.cost=5",
        "tool.search_tracks.tier.free.rate=3/min",
        "tool.get_album.global.rate=3/min"));
    for (String[] caller : List.of(
        ConfigFile.caller("burst", "key-burst", "free"),
        ConfigFile.caller("searcher", "key-searcher", "free"),
        ConfigFile.caller("spender", "key-spender", "free"),
        ConfigFile.caller("alice", "key-alice", "big"),
        ConfigFile.caller("bob", "key-bob", "big"),
        ConfigFile.caller("explorer", "key-explorer", "free"),
        ConfigFile.caller("warmup", "key-warmup", "big"))) {
      lines.addAll(List.of(caller));
    }
    Path config = ConfigFile.write(dir, "ratelimit.properties", lines.toArray(String[]::new));
    server = ForkedServer.sampleServer().agent(config).start();
    server.assertAgentStarted("enforce");

    // The first calls of a fresh JVM are slow; the timed tests below should not pay for them.
    McpSyncClient warmup = client("key-warmup");
    for (int i = 0; i < 3; i++) {
      assertAllowed(warmup, "get_track", TRACK, "warm-up");
      assertAllowed(warmup, "search_tracks", SEARCH, "warm-up");
      assertAllowed(warmup, "recommend_tracks", RECOMMEND, "warm-up");
    }
  }

  @AfterAll
  static void stopServer() {
    clients.forEach(McpSyncClient::close);
    if (server != null) {
      server.close();
    }
  }

  private static McpSyncClient client(String apiKey) {
    McpSyncClient client = McpClients.http(server, apiKey);
    clients.add(client);
    return client;
  }

  @Test
  void agentStartedWithTheFileAndWritesNothingToStdout() {
    String config = dir.resolve("ratelimit.properties").toString();
    assertTrue(server.stderr().stream().anyMatch(line -> line.startsWith(
            "[mcp-ratelimit] INFO mcp-ratelimit-agent 0.1.0-SNAPSHOT started: config " + config + ", mode enforce, ")),
        () -> "start line missing; stderr:\n" + String.join("\n", server.stderr()));
    assertEquals(List.of(), server.stdout(), "nothing on stdout");
  }

  @Test
  void aTierAdmitsItsBurstThenRejectsWithTheRetryAfter() {
    McpSyncClient client = client("key-burst");

    long start = System.nanoTime();
    assertAllowedTimes(10, client, "get_track", TRACK);
    RateLimited rejected = assertRateLimited(client, "get_track", TRACK, "call 11");
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

    // 10/min: the next token is 6 s away.
    rejected.assertMatches(new RateLimited(6, 10, 0, "free", "get_track", "caller"), elapsed);
    // Rejections are not charged: still rejected, the same way.
    assertEquals("caller", assertRateLimited(client, "search_tracks", SEARCH, "call 12").scope());
  }

  @Test
  void aPerToolLimitBindsWhileTheCallerHasTokensForOtherTools() {
    McpSyncClient client = client("key-searcher");

    long start = System.nanoTime();
    assertAllowedTimes(3, client, "search_tracks", SEARCH);
    RateLimited rejected = assertRateLimited(client, "search_tracks", SEARCH, "call 4");
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

    // 3/min for free callers of search_tracks: 20 s to the next token.
    rejected.assertMatches(new RateLimited(20, 3, 0, "free", "search_tracks", "caller-tool"), elapsed);
    // The caller's own bucket has 7 of 10 left.
    assertAllowedTimes(7, client, "get_track", TRACK);
    assertEquals("caller", assertRateLimited(client, "get_track", TRACK, "call 8 of get_track").scope());
  }

  @Test
  void aCostOfFiveTakesFiveTokens() {
    McpSyncClient client = client("key-spender");

    long start = System.nanoTime();
    assertAllowedTimes(2, client, "recommend_tracks", RECOMMEND);
    RateLimited rejected = assertRateLimited(client, "recommend_tracks", RECOMMEND, "call 3");
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

    // Burst 10 at 10/min: two calls of cost 5 empty it; five tokens take 30 s.
    rejected.assertMatches(new RateLimited(30, 10, 0, "free", "recommend_tracks", "caller"), elapsed);
  }

  @Test
  void aGlobalToolLimitIsSharedByAllCallers() {
    McpSyncClient alice = client("key-alice");
    McpSyncClient bob = client("key-bob");

    long start = System.nanoTime();
    assertAllowedTimes(2, alice, "get_album", ALBUM);
    assertAllowed(bob, "get_album", ALBUM, "bob's first");
    RateLimited rejected = assertRateLimited(bob, "get_album", ALBUM, "bob's second");
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

    rejected.assertMatches(new RateLimited(20, 3, 0, "big", "get_album", "tool-global"), elapsed);
    assertEquals("tool-global", assertRateLimited(alice, "get_album", ALBUM, "alice's third").scope());
    // Their own buckets are far from empty.
    assertAllowed(alice, "get_track", TRACK, "alice, another tool");
    assertAllowed(bob, "get_track", TRACK, "bob, another tool");
  }

  @Test
  void anUnknownToolGetsTheSdksOwnError() {
    McpSyncClient client = client("key-explorer");

    McpError error = assertThrows(McpError.class, () -> Calls.call(client, "no_such_tool", Map.of()));

    assertEquals(-32602, error.getJsonRpcError().code(), () -> "error: " + error.getJsonRpcError());
    assertAllowed(client, "get_track", TRACK, "a real tool afterwards");
  }

  @Test
  void unknownAndMissingKeysShareTheAnonymousBucketOfTheDefaultTier() {
    McpSyncClient unknownKey = client("not-a-configured-key");
    McpSyncClient noKey = client(null);

    long start = System.nanoTime();
    assertAllowedTimes(5, unknownKey, "get_track", TRACK);
    assertAllowedTimes(5, noKey, "get_track", TRACK);
    RateLimited rejected = assertRateLimited(unknownKey, "get_track", TRACK, "call 11");
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

    rejected.assertMatches(new RateLimited(6, 10, 0, "free", "get_track", "caller"), elapsed);
    assertEquals("caller", assertRateLimited(noKey, "get_track", TRACK, "call 12").scope());
  }
}
