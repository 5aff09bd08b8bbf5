package dev.mcpratelimit.it;

import static dev.mcpratelimit.it.Calls.ALBUM;
import static dev.mcpratelimit.it.Calls.SEARCH;
import static dev.mcpratelimit.it.Calls.TRACK;
import static dev.mcpratelimit.it.Calls.assertAllowed;
import static dev.mcpratelimit.it.Calls.assertAllowedTimes;
import static dev.mcpratelimit.it.Calls.assertRateLimited;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcpratelimit.it.RawMcpClient.Response;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rate_limit_status}, the tool the agent adds to every server with tools: it tells the
 * caller its id, tier and every bucket that applies to it, costs none of the caller's tokens, has a
 * small limit of its own, and says nothing about anyone else. One HTTP server for the class (each
 * test its own callers), and a stdio server started by the SDK client.
 */
class StatusToolIT {

  private static final String STATUS = "rate_limit_status";

  @TempDir
  static Path dir;

  private static ForkedServer server;

  @BeforeAll
  static void startServer() throws Exception {
    List<String> lines = new ArrayList<>(List.of(
        // free is the default tier: 10/h, a token every 360 s.
        "tier.free.rate=10/h",
        "tier.free.burst=10",
        "tier.gold.rate=100/h",
        "tier.gold.burst=100",
        "tool.search_tracks.tier.free.rate=5/h",
        "tool.search_tracks.tier.free.burst=5",
        "tool.search_tracks.tier.gold.rate=50/h",
        "tool.search_tracks.tier.gold.burst=50",
        "tool.get_album.global.rate=100/h",
        "tool.get_album.global.burst=100",
        // The status tool's own limit for free callers (gold keeps the default 30/min, burst 10).
        "tool.rate_limit_status.tier.free.rate=3/h",
        "tool.rate_limit_status.tier.free.burst=3"));
    for (String[] caller : List.of(
        ConfigFile.caller("kim", "key-kim", "free"),
        ConfigFile.caller("lee", "key-lee", "free"),
        ConfigFile.caller("otheruser7", "key-otheruser7", "free"),
        ConfigFile.caller("goldie", "key-goldie", "gold"),
        ConfigFile.caller("warmup", "key-warmup", "gold"))) {
      lines.addAll(List.of(caller));
    }
    server = ForkedServer.sampleServer().agent(ConfigFile.write(dir, "ratelimit.properties", lines.toArray(String[]::new)))
        .start();
    server.assertAgentStarted("enforce");
    HttpHeadersIT.warmUp(server, "key-warmup");
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  @AfterEach
  void noStdioServerLeft() throws InterruptedException {
    ForkedServer.assertNoStdioServerLeft();
  }

  @Test
  void itIsListedWithADescriptionAndItsSchemas() {
    try (McpSyncClient client = McpClients.http(server, null)) {
      List<Tool> tools = client.listTools().tools();
      Tool status = tools.stream().filter(tool -> tool.name().equals(STATUS)).findFirst()
          .orElseThrow(() -> new AssertionError("no " + STATUS + " in " + tools));
      assertTrue(status.description() != null && !status.description().isBlank(), "description");
      assertEquals("object", status.inputSchema().get("type"), "inputSchema");
      Map<String, Object> output = status.outputSchema();
      assertNotNull(output, "outputSchema");
      assertEquals("object", output.get("type"));
      Map<?, ?> properties = assertInstanceOf(Map.class, output.get("properties"));
      assertTrue(properties.keySet().containsAll(Set.of("caller", "tier", "buckets")), () -> "outputSchema " + output);
      // The server's own tools are all still there.
      assertTrue(tools.stream().map(Tool::name).toList().containsAll(
          List.of("search_tracks", "get_track", "get_album", "create_playlist", "recommend_tracks")), tools::toString);
    }
  }

  @Test
  void itReportsTheCallersBucketAsTheHeadersDidAndCostsNoneOfItsTokens() {
    RawMcpClient kim = RawMcpClient.connect(server, McpClients.API_KEY_HEADER, "key-kim");

    Response first = kim.callTool("get_track", TRACK);
    long since = first.sentEpochMillis();
    kim.callTool("get_track", TRACK);
    Response last = kim.callTool("get_track", TRACK);
    last.assertToolResult("third get_track");
    long t = last.assertRateLimitHeaders("free", 10, 7, 3600, 1080, null, since);
    long remaining = last.longHeader("X-RateLimit-Remaining");
    long reset = last.longHeader("X-RateLimit-Reset");

    // Its own bucket: 3/h with burst 3 for free callers.
    for (int i = 1; i <= 3; i++) {
      Response status = kim.callTool(STATUS, Map.of());
      status.assertToolResult("status " + i);
      status.assertRateLimitHeaders("free", 3, 3 - i, 3600, 1200L * i, null, since);
      Map<String, Object> report = status.structuredContent();
      assertEquals("kim", report.get("caller"));
      assertEquals("free", report.get("tier"));
      Map<String, Object> caller = bucket(report, "caller", null);
      // The caller bucket as the last tool call's headers told it, every time.
      assertEquals(remaining, number(caller, "remaining"), () -> "caller bucket in " + report);
      assertEquals(10, number(caller, "limit"));
      assertEquals("10/h", caller.get("rate"));
      assertEquals(1, number(caller, "cost"));
      assertSeconds(t, number(caller, "resetSeconds"), status, since);
      assertTrue(Math.abs(number(caller, "resetEpochSeconds") - reset) <= 1,
          () -> "resetEpochSeconds " + caller + " vs X-RateLimit-Reset " + reset);
      Map<String, Object> own = bucket(report, "caller-tool", STATUS);
      assertEquals(3, number(own, "limit"));
      assertEquals("3/h", own.get("rate"));
      assertEquals(3 - i, number(own, "remaining"), () -> "its own bucket in " + report);
    }

    Response fourth = kim.callTool(STATUS, Map.of());
    assertEquals(429, fourth.status(), () -> "status of " + fourth);
    fourth.assertRateLimitHeaders("free", 3, 0, 3600, 3600, 1200L, since);
    fourth.rateLimited().assertMatches(new RateLimited(1200, 3, 0, "free", STATUS, "caller-tool"),
        Duration.ofMillis(fourth.receivedEpochMillis() - since));

    // Four status calls later the caller bucket still holds 7.
    Response after = kim.callTool("get_track", TRACK);
    after.assertToolResult("get_track after the status calls");
    after.assertRateLimitHeaders("free", 10, 6, 3600, 1440, null, since);
  }

  @Test
  void itListsEveryBucketThatAppliesToTheCallersTierAndNothingOfOtherCallers() {
    RawMcpClient other = RawMcpClient.connect(server, McpClients.API_KEY_HEADER, "key-otheruser7");
    RawMcpClient lee = RawMcpClient.connect(server, McpClients.API_KEY_HEADER, "key-lee");

    Response first = other.callTool("get_album", ALBUM);
    long since = first.sentEpochMillis();
    first.assertToolResult("other's get_album");
    other.callTool("get_album", ALBUM).assertToolResult("other's second get_album");
    other.callTool("search_tracks", SEARCH).assertToolResult("other's search_tracks");
    lee.callTool("get_album", ALBUM).assertToolResult("lee's get_album");
    lee.callTool("search_tracks", SEARCH).assertToolResult("lee's search_tracks");
    lee.callTool("search_tracks", SEARCH).assertToolResult("lee's second search_tracks");

    Response status = lee.callTool(STATUS, Map.of());
    status.assertToolResult("lee's status");
    Map<String, Object> report = status.structuredContent();
    assertEquals("lee", report.get("caller"));
    assertEquals("free", report.get("tier"));
    assertEquals(new TreeSet<>(Set.of("caller", "caller-tool " + STATUS, "caller-tool search_tracks",
        "tool-global get_album")), bucketNames(report), () -> "buckets in " + report);

    // lee's own: 3 calls of 10 at 10/h (1080 s to full).
    assertBucket(bucket(report, "caller", null), 10, "10/h", 7, 1080, 1, status, since);
    // lee's own for search_tracks: 2 of 5 at 5/h (720 s a token); other's calls are not in it.
    assertBucket(bucket(report, "caller-tool", "search_tracks"), 5, "5/h", 3, 1440, 1, status, since);
    // Shared by everyone: 3 of 100 at 100/h (36 s a token).
    assertBucket(bucket(report, "tool-global", "get_album"), 100, "100/h", 97, 108, 1, status, since);
    assertBucket(bucket(report, "caller-tool", STATUS), 3, "3/h", 2, 1200, 1, status, since);

    for (String secret : List.of("otheruser7", "key-otheruser7", McpClients.sha256("key-otheruser7"), "key-lee",
        McpClients.sha256("key-lee"))) {
      assertFalse(status.body().contains(secret), () -> secret + " in lee's status: " + status.body());
    }

    // A gold caller sees the limits of its own tier.
    RawMcpClient goldie = RawMcpClient.connect(server, McpClients.API_KEY_HEADER, "key-goldie");
    Response gold = goldie.callTool(STATUS, Map.of());
    gold.assertToolResult("goldie's status");
    Map<String, Object> goldReport = gold.structuredContent();
    assertEquals("gold", goldReport.get("tier"));
    assertEquals(100, number(bucket(goldReport, "caller", null), "limit"));
    assertEquals(50, number(bucket(goldReport, "caller-tool", "search_tracks"), "limit"));
    assertEquals(100, number(bucket(goldReport, "tool-global", "get_album"), "limit"));
    // The status tool's default limit: 30/min with burst 10.
    Map<String, Object> own = bucket(goldReport, "caller-tool", STATUS);
    assertEquals(10, number(own, "limit"));
    assertEquals("30/min", own.get("rate"));
    assertEquals(9, number(own, "remaining"));
  }

  @Test
  void overStdioItAnswersTheStdioCaller(@TempDir Path stdioDir) throws Exception {
    Path config = ConfigFile.write(stdioDir, "ratelimit.properties",
        "tier.basic.rate=3/h",
        "tier.basic.burst=3",
        "caller.local.tier=basic",
        "stdio.caller=local");
    List<String> stderr = new CopyOnWriteArrayList<>();

    try (McpSyncClient client = McpClients.stdio(ForkedServer.stdioServerArgs(config), stderr::add)) {
      assertTrue(client.listTools().tools().stream().anyMatch(tool -> tool.name().equals(STATUS)), "listed");
      assertAllowedTimes(2, client, "get_track", TRACK);

      for (int i = 1; i <= 2; i++) {
        CallToolResult result = assertAllowed(client, STATUS, Map.of(), "status " + i);
        Map<String, Object> report = map(result.structuredContent());
        assertEquals("local", report.get("caller"));
        assertEquals("basic", report.get("tier"));
        Map<String, Object> caller = bucket(report, "caller", null);
        assertEquals(3, number(caller, "limit"));
        assertEquals("3/h", caller.get("rate"));
        assertEquals(1, number(caller, "remaining"), () -> "caller bucket in " + report);
        assertEquals(10 - i, number(bucket(report, "caller-tool", STATUS), "remaining"));
        assertFalse(result.content().isEmpty(), "a text content too");
      }

      // The status calls took none of the caller's tokens: one left.
      assertAllowed(client, "get_track", TRACK, "third get_track");
      assertEquals("caller", assertRateLimited(client, "get_track", TRACK, "fourth get_track").scope());
    }
  }

  // ---- reading the report ----

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object value) {
    return assertInstanceOf(Map.class, value, "structuredContent");
  }

  private static List<Map<String, Object>> buckets(Map<String, Object> report) {
    List<?> list = assertInstanceOf(List.class, report.get("buckets"), () -> "buckets in " + report);
    List<Map<String, Object>> buckets = new ArrayList<>();
    for (Object entry : list) {
      buckets.add(map(entry));
    }
    return buckets;
  }

  private static Set<String> bucketNames(Map<String, Object> report) {
    Set<String> names = new TreeSet<>();
    for (Map<String, Object> bucket : buckets(report)) {
      names.add(bucket.get("scope") + (bucket.get("tool") == null ? "" : " " + bucket.get("tool")));
    }
    return names;
  }

  /** The one bucket of {@code scope} (and {@code tool}, {@code null} for the caller bucket). */
  private static Map<String, Object> bucket(Map<String, Object> report, String scope, String tool) {
    List<Map<String, Object>> found = buckets(report).stream()
        .filter(bucket -> scope.equals(bucket.get("scope")) && Objects.equals(tool, bucket.get("tool")))
        .toList();
    assertEquals(1, found.size(), () -> "one bucket " + scope + " " + tool + " in " + report);
    return new LinkedHashMap<>(found.get(0));
  }

  private static long number(Map<String, Object> bucket, String key) {
    return assertInstanceOf(Number.class, bucket.get(key), () -> key + " in " + bucket).longValue();
  }

  private static void assertBucket(Map<String, Object> bucket, long limit, String rate, long remaining,
      long resetSeconds, long cost, Response response, long since) {
    assertEquals(limit, number(bucket, "limit"), () -> "limit of " + bucket);
    assertEquals(rate, bucket.get("rate"), () -> "rate of " + bucket);
    assertEquals(remaining, number(bucket, "remaining"), () -> "remaining of " + bucket);
    assertEquals(cost, number(bucket, "cost"), () -> "cost of " + bucket);
    long reset = number(bucket, "resetSeconds");
    assertSeconds(resetSeconds, reset, response, since);
    long epoch = number(bucket, "resetEpochSeconds");
    long earliest = Math.floorDiv(response.sentEpochMillis(), 1000) + reset - 1;
    long latest = RawMcpClient.ceilDiv(response.receivedEpochMillis(), 1000) + reset;
    assertTrue(epoch >= earliest && epoch <= latest, () -> "resetEpochSeconds of " + bucket + ": expected "
        + earliest + ".." + latest);
  }

  /** Exact when the response came within a second of {@code since}, else at most that much less. */
  private static void assertSeconds(long expected, long actual, Response response, long since) {
    long elapsed = response.receivedEpochMillis() - since;
    if (elapsed < 1000) {
      assertEquals(expected, actual, "seconds until full");
    } else {
      assertTrue(actual <= expected && actual >= expected - RawMcpClient.ceilDiv(elapsed, 1000),
          () -> "seconds until full " + actual + " after " + elapsed + " ms, expected " + expected);
    }
  }
}
