package dev.mcpratelimit.it;

import static dev.mcpratelimit.it.Calls.RECOMMEND;
import static dev.mcpratelimit.it.Calls.SEARCH;
import static dev.mcpratelimit.it.Calls.TRACK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcpratelimit.it.RawMcpClient.Response;
import dev.mcpratelimit.it.servers.StatelessToolServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an HTTP client sees of the agent beyond the JSON-RPC message: the rate-limit headers of
 * every {@code tools/call} response, the status of a rejection and its {@code Retry-After}, read
 * with a plain {@link java.net.http.HttpClient} ({@link RawMcpClient}).
 *
 * <p>The sample server (sync, Streamable HTTP) with the default {@code reject.http-status} (429)
 * serves most tests, each with its own caller. Rates are slow (per hour) so that nothing refills
 * while a test runs and every value is exact; only {@link #retryAfterIsTheWaitThatWorks} uses a
 * rate that refills within the test, on purpose.
 */
class HttpHeadersIT {

  /** hdr: 10/h, burst 10: a token every 360 s, full from empty in 3600 s. */
  private static final String HDR = "hdr";

  @TempDir
  static Path dir;

  private static ForkedServer server;

  @BeforeAll
  static void startServer() throws Exception {
    List<String> lines = new ArrayList<>(List.of(
        "tier.hdr.rate=10/h",
        "tier.hdr.burst=10",
        "tier.quick.rate=600/min",
        "tier.warm.rate=1000/min",
        "tool.recommend_tracks.cost=5",
        // A tool limit tighter than the tier's: binds after two calls (a token a minute).
        "tool.search_tracks.tier.hdr.rate=60/h",
        "tool.search_tracks.tier.hdr.burst=2",
        // A token a second, burst 1, for the one test that waits for a refill.
        "tool.get_track.tier.quick.rate=60/min",
        "tool.get_track.tier.quick.burst=1"));
    for (String[] caller : List.of(
        ConfigFile.caller("counter", "key-counter", HDR),
        ConfigFile.caller("rejecter", "key-rejecter", HDR),
        ConfigFile.caller("binder", "key-binder", HDR),
        ConfigFile.caller("quiet", "key-quiet", HDR),
        ConfigFile.caller("quick", "key-quick", "quick"),
        ConfigFile.caller("warmup", "key-warmup", "warm"))) {
      lines.addAll(List.of(caller));
    }
    server = ForkedServer.sampleServer().agent(ConfigFile.write(dir, "ratelimit.properties", lines.toArray(String[]::new)))
        .start();
    server.assertAgentStarted("enforce");
    warmUp(server, "key-warmup");
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  /** The first calls of a fresh JVM are slow; the timed checks should not pay for them. */
  static void warmUp(ForkedServer server, String apiKey) {
    RawMcpClient warmup = RawMcpClient.connect(server, McpClients.API_KEY_HEADER, apiKey);
    for (int i = 0; i < 3; i++) {
      warmup.callTool("get_track", TRACK).assertToolResult("warm-up");
      warmup.listTools();
    }
  }

  @Test
  void remainingCountsDownByTheCostAndTheResetMovesLater() {
    RawMcpClient client = RawMcpClient.connect(server, McpClients.API_KEY_HEADER, "key-counter");

    // Cost 1, cost 5, cost 1, cost 1 from a full bucket of 10 at 10/h (360 s a token).
    Response first = client.callTool("get_track", TRACK);
    long since = first.sentEpochMillis();
    Response second = client.callTool("recommend_tracks", RECOMMEND);
    Response third = client.callTool("get_track", TRACK);
    Response fourth = client.callTool("get_track", TRACK);

    long[][] expected = {{9, 360}, {4, 2160}, {3, 2520}, {2, 2880}};
    List<Response> responses = List.of(first, second, third, fourth);
    long previousReset = 0;
    for (int i = 0; i < responses.size(); i++) {
      Response response = responses.get(i);
      response.assertToolResult("call " + (i + 1));
      response.assertRateLimitHeaders(HDR, 10, expected[i][0], 3600, expected[i][1], null, since);
      long reset = response.longHeader("X-RateLimit-Reset");
      assertTrue(reset > previousReset, "X-RateLimit-Reset moves later as tokens are used: " + reset + " after "
          + previousReset);
      previousReset = reset;
    }
  }

  @Test
  void aRejectionIs429WithRetryAfterAndTheErrorUnderTheRequestsId() {
    RawMcpClient client = RawMcpClient.connect(server, McpClients.API_KEY_HEADER, "key-rejecter");

    Response first = client.callTool("recommend_tracks", RECOMMEND);
    long since = first.sentEpochMillis();
    first.assertToolResult("first");
    first.assertRateLimitHeaders(HDR, 10, 5, 3600, 1800, null, since);
    Response second = client.callTool("recommend_tracks", RECOMMEND);
    second.assertToolResult("second");
    second.assertRateLimitHeaders(HDR, 10, 0, 3600, 3600, null, since);

    // Five tokens are 1800 s away.
    Response third = client.callTool("recommend_tracks", RECOMMEND);
    assertEquals(429, third.status(), () -> "status of " + third);
    assertEquals(Optional.of("text/event-stream"), third.header("Content-Type").map(type -> type.split(";")[0]),
        () -> "an SSE event like every Streamable HTTP answer: " + third);
    third.assertRateLimitHeaders(HDR, 10, 0, 3600, 3600, 1800L, since);
    third.rateLimited().assertMatches(new RateLimited(1800, 10, 0, HDR, "recommend_tracks", "caller"),
        Duration.ofMillis(third.receivedEpochMillis() - since));

    // One token is 360 s away; a string id comes back as sent.
    Response fourth = client.send(Map.of("jsonrpc", "2.0", "id", "call-four", "method", "tools/call",
        "params", Map.of("name", "get_track", "arguments", TRACK)), Map.of());
    assertEquals(429, fourth.status(), () -> "status of " + fourth);
    assertEquals("call-four", fourth.message().get("id"));
    fourth.assertRateLimitHeaders(HDR, 10, 0, 3600, 3600, 360L, since);
    fourth.rateLimited().assertMatches(new RateLimited(360, 10, 0, HDR, "get_track", "caller"),
        Duration.ofMillis(fourth.receivedEpochMillis() - since));
    assertTrue(String.valueOf(fourth.error().get("message")).startsWith(
        "Rate limit exceeded: caller limit of 10 at 10/h for tool get_track on tier hdr; retry after "),
        () -> "message of " + fourth);
  }

  @Test
  void theBindingBucketIsTheFewestLeftWhenAdmittedAndTheLongestWaitWhenRejected() {
    RawMcpClient client = RawMcpClient.connect(server, McpClients.API_KEY_HEADER, "key-binder");

    // search_tracks for hdr: 60/h with burst 2 (a token a minute), under the caller's 10 at 10/h.
    Response first = client.callTool("search_tracks", SEARCH);
    long since = first.sentEpochMillis();
    first.assertToolResult("first search");
    first.assertRateLimitHeaders(HDR, 2, 1, 120, 60, null, since);
    Response second = client.callTool("search_tracks", SEARCH);
    second.assertToolResult("second search");
    second.assertRateLimitHeaders(HDR, 2, 0, 120, 120, null, since);

    Response third = client.callTool("search_tracks", SEARCH);
    assertEquals(429, third.status(), () -> "status of " + third);
    third.assertRateLimitHeaders(HDR, 2, 0, 120, 120, 60L, since);
    third.rateLimited().assertMatches(new RateLimited(60, 2, 0, HDR, "search_tracks", "caller-tool"),
        Duration.ofMillis(third.receivedEpochMillis() - since));

    // The caller's own bucket held 8: another tool takes them all, and then binds.
    Response last = null;
    for (int i = 1; i <= 8; i++) {
      last = client.callTool("get_track", TRACK);
      last.assertToolResult("get_track " + i);
      last.assertRateLimitHeaders(HDR, 10, 8 - i, 3600, 360 * (i + 2), null, since);
    }

    // Both buckets are empty now: the caller's needs 360 s for a token, the tool's less than 60 s.
    Response rejected = client.callTool("search_tracks", SEARCH);
    assertEquals(429, rejected.status(), () -> "status of " + rejected);
    rejected.assertRateLimitHeaders(HDR, 10, 0, 3600, 3600, 360L, since);
    rejected.rateLimited().assertMatches(new RateLimited(360, 10, 0, HDR, "search_tracks", "caller"),
        Duration.ofMillis(rejected.receivedEpochMillis() - since));
  }

  @Test
  void retryAfterIsTheWaitThatWorks() throws Exception {
    RawMcpClient client = RawMcpClient.connect(server, McpClients.API_KEY_HEADER, "key-quick");

    // get_track for quick: 60/min with burst 1, a token a second.
    Response admitted = client.callTool("get_track", TRACK);
    admitted.assertToolResult("first");
    admitted.assertRateLimitHeaders("quick", 1, 0, 1, 1, null, admitted.sentEpochMillis());
    Response next = client.callTool("get_track", TRACK);
    for (int attempt = 2; next.status() == 200 && attempt <= 3; attempt++) {
      // Only on a machine so slow that a second passed between the two calls.
      Response early = next;
      assertTrue(early.receivedEpochMillis() - admitted.sentEpochMillis() >= 1000, () -> "admitted too soon: " + early);
      System.out.println("retryAfterIsTheWaitThatWorks: the calls were a second apart; attempt " + attempt);
      admitted = next;
      next = client.callTool("get_track", TRACK);
    }

    Response rejected = next;
    assertEquals(429, rejected.status(), () -> "status of " + rejected);
    long retryAfter = rejected.longHeader("Retry-After");
    assertEquals(1, retryAfter, () -> "Retry-After in " + rejected);
    assertEquals(new RateLimited(1, 1, 0, "quick", "get_track", "caller-tool"), rejected.rateLimited());

    long waitUntil = rejected.receivedEpochMillis() + retryAfter * 1000 + 100;
    Thread.sleep(Math.max(0, waitUntil - System.currentTimeMillis()));
    client.callTool("get_track", TRACK).assertToolResult("after waiting Retry-After");
  }

  @Test
  void requestsOtherThanToolCallsCarryNoHeadersAndCostNothing() {
    RawMcpClient client = RawMcpClient.connect(server, McpClients.API_KEY_HEADER, "key-quiet");
    client.initializeResponse().assertNoRateLimitHeaders("initialize");
    client.initializedResponse().assertNoRateLimitHeaders("notifications/initialized");
    for (int i = 0; i < 3; i++) {
      Response list = client.listTools();
      assertEquals(200, list.status(), () -> "tools/list: " + list);
      list.assertNoRateLimitHeaders("tools/list");
      Response ping = client.ping();
      assertEquals(200, ping.status(), () -> "ping: " + ping);
      assertEquals(Map.of(), ping.result(), () -> "ping: " + ping);
      ping.assertNoRateLimitHeaders("ping");
    }

    // Nothing was charged: the first tool call finds the bucket full.
    Response first = client.callTool("recommend_tracks", RECOMMEND);
    long since = first.sentEpochMillis();
    first.assertToolResult("first call");
    first.assertRateLimitHeaders(HDR, 10, 5, 3600, 1800, null, since);
    client.callTool("recommend_tracks", RECOMMEND).assertToolResult("second call");
    assertEquals(429, client.callTool("get_track", TRACK).status(), "the bucket is empty");

    // An empty bucket stops tool calls only.
    Response list = client.listTools();
    assertEquals(200, list.status(), () -> "tools/list with an empty bucket: " + list);
    list.assertNoRateLimitHeaders("tools/list with an empty bucket");
    Response ping = client.ping();
    assertEquals(200, ping.status(), () -> "ping with an empty bucket: " + ping);
    ping.assertNoRateLimitHeaders("ping with an empty bucket");
  }

  @Test
  void withRejectStatus200TheRejectionIsA200WithTheHeadersAndTheError(@TempDir Path dir) throws Exception {
    List<String> lines = new ArrayList<>(List.of(
        "reject.http-status=200",
        "tier.hdr.rate=3/h",
        "tier.hdr.burst=3",
        "tier.warm.rate=1000/min"));
    lines.addAll(List.of(ConfigFile.caller("ok", "key-ok", HDR)));
    lines.addAll(List.of(ConfigFile.caller("warmup", "key-warmup", "warm")));

    try (ForkedServer server = ForkedServer.sampleServer()
        .agent(ConfigFile.write(dir, "ratelimit.properties", lines.toArray(String[]::new))).start()) {
      server.assertAgentStarted("enforce");
      warmUp(server, "key-warmup");
      RawMcpClient client = RawMcpClient.connect(server, McpClients.API_KEY_HEADER, "key-ok");

      // 3/h: 1200 s a token.
      long since = 0;
      for (int i = 1; i <= 3; i++) {
        Response admitted = client.callTool("get_track", TRACK);
        since = i == 1 ? admitted.sentEpochMillis() : since;
        admitted.assertToolResult("call " + i);
        admitted.assertRateLimitHeaders(HDR, 3, 3 - i, 3600, 1200L * i, null, since);
      }
      Response rejected = client.callTool("get_track", TRACK);
      assertEquals(200, rejected.status(), () -> "status of " + rejected);
      rejected.assertRateLimitHeaders(HDR, 3, 0, 3600, 3600, 1200L, since);
      rejected.rateLimited().assertMatches(new RateLimited(1200, 3, 0, HDR, "get_track", "caller"),
          Duration.ofMillis(rejected.receivedEpochMillis() - since));
    }
  }

  @Test
  void aStatelessServerSendsTheHeadersAndA429(@TempDir Path dir) throws Exception {
    List<String> lines = new ArrayList<>(List.of(
        "tier.hdr.rate=3/h",
        "tier.hdr.burst=3",
        "tier.warm.rate=1000/min"));
    lines.addAll(List.of(ConfigFile.caller("sally", "key-sally", HDR)));
    lines.addAll(List.of(ConfigFile.caller("warmup", "key-warmup", "warm")));

    try (ForkedServer server = ForkedServer.mainClass(StatelessToolServer.class)
        .agent(ConfigFile.write(dir, "ratelimit.properties", lines.toArray(String[]::new))).start()) {
      server.assertAgentStarted("enforce");
      warmUp(server, "key-warmup");
      RawMcpClient client = RawMcpClient.connect(server, McpClients.API_KEY_HEADER, "key-sally");
      assertEquals(null, client.sessionId(), "a stateless server has no sessions");
      client.initializeResponse().assertNoRateLimitHeaders("initialize");
      client.listTools().assertNoRateLimitHeaders("tools/list");

      long since = 0;
      for (int i = 1; i <= 3; i++) {
        Response admitted = client.callTool("get_track", TRACK);
        since = i == 1 ? admitted.sentEpochMillis() : since;
        admitted.assertToolResult("call " + i);
        admitted.assertRateLimitHeaders(HDR, 3, 3 - i, 3600, 1200L * i, null, since);
      }
      Response rejected = client.callTool("get_track", TRACK);
      assertEquals(429, rejected.status(), () -> "status of " + rejected);
      assertEquals(Optional.of("application/json"), rejected.header("Content-Type").map(type -> type.split(";")[0]),
          () -> "a stateless server answers in JSON: " + rejected);
      rejected.assertRateLimitHeaders(HDR, 3, 0, 3600, 3600, 1200L, since);
      rejected.rateLimited().assertMatches(new RateLimited(1200, 3, 0, HDR, "get_track", "caller"),
          Duration.ofMillis(rejected.receivedEpochMillis() - since));
    }
  }
}
