package dev.mcpratelimit.it;

import static dev.mcpratelimit.it.Calls.TRACK;
import static dev.mcpratelimit.it.Calls.assertAllowedTimes;
import static dev.mcpratelimit.it.Calls.assertRateLimited;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcpratelimit.it.RawMcpClient.Response;
import io.modelcontextprotocol.client.McpSyncClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who the agent thinks is calling over HTTP, and what that buys: the API key names a configured
 * caller and so its tier; nothing else the client sends does. Unknown keys are anonymous, one
 * bucket per client address, and {@code X-Forwarded-For} names that address only when the direct
 * peer is a trusted proxy. With {@code identity.require-key=true} unknown keys are refused. Keys
 * never reach the logs, in clear or hashed.
 *
 * <p>One shared server for the keyed callers (each test its own) and the one test of anonymous
 * callers from 127.0.0.1; the settings that change identity itself get a server of their own. Every
 * server runs the agent's logger at {@code ALL}, so the log check sees all it could ever write.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CallerIdentityIT {

  private static final String KEY_ANN = "ann-key-Qm4T8vXz";
  private static final String KEY_BEN = "ben-key-Lw2R9pCk";
  private static final String KEY_CARL = "carl-key-Hy7N3sDe";
  private static final String KEY_DORA = "dora-key-Gb5J6uFa";
  private static final String KEY_RITA = "rita-key-Vt8K1oWm";
  private static final String WRONG_KEY = "wrong-key-Zx81Pq";
  private static final String OTHER_WRONG_KEY = "other-wrong-key-Nc3Ys";
  private static final List<String> ALL_KEYS =
      List.of(KEY_ANN, KEY_BEN, KEY_CARL, KEY_DORA, KEY_RITA, WRONG_KEY, OTHER_WRONG_KEY);

  /** What a client might send hoping for a better tier. */
  private static final Map<String, String> SPOOFED_TIER_HEADERS = Map.of(
      "X-Tier", "enterprise",
      "X-RateLimit-Tier", "enterprise",
      "X-Caller-Tier", "enterprise");
  private static final Map<String, Object> SPOOFED_META = Map.of("tier", "enterprise");

  private static final String KEY = McpClients.API_KEY_HEADER;

  @TempDir
  static Path dir;

  private static ForkedServer server;
  /** Every server of this class, for the log check at the end. */
  private static final List<ForkedServer> servers = new CopyOnWriteArrayList<>();
  private static final List<McpSyncClient> clients = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void startServer() throws Exception {
    server = start(dir, "shared",
        // free is the default tier: 6/h, a token every 600 s.
        "tier.free.rate=6/h",
        "tier.free.burst=6",
        "tier.bronze.rate=2/h",
        "tier.bronze.burst=2",
        "tier.silver.rate=5/h",
        "tier.silver.burst=5",
        "tier.enterprise.rate=1000/min",
        "caller.ann.api-key-sha256=" + McpClients.sha256(KEY_ANN),
        "caller.ann.tier=bronze",
        "caller.ben.api-key-sha256=" + McpClients.sha256(KEY_BEN),
        "caller.ben.tier=silver",
        "caller.carl.api-key-sha256=" + McpClients.sha256(KEY_CARL),
        "caller.carl.tier=bronze",
        "caller.dora.api-key-sha256=" + McpClients.sha256(KEY_DORA),
        "caller.dora.tier=bronze");
  }

  @AfterAll
  static void stopServers() {
    clients.forEach(McpSyncClient::close);
    servers.forEach(ForkedServer::close);
  }

  /** A sample server with the agent, its logger at ALL, and {@code lines} as configuration. */
  private static ForkedServer start(Path dir, String name, String... lines) throws Exception {
    Path logging = dir.resolve(name + "-logging.properties");
    Files.writeString(logging, "mcp.ratelimit.level=ALL\n");
    ForkedServer started = ForkedServer.sampleServer()
        .jvmOption("-Djava.util.logging.config.file=" + logging)
        .agent(ConfigFile.write(dir, name + ".properties", lines))
        .start();
    servers.add(started);
    started.assertAgentStarted("enforce");
    return started;
  }

  private static McpSyncClient sdkClient(ForkedServer server, Map<String, String> headers, String clientName) {
    McpSyncClient client = McpClients.http(server, headers, clientName);
    clients.add(client);
    return client;
  }

  @Test
  void twoCallersWithTheirOwnKeysAndTiersAreLimitedIndependently() {
    McpSyncClient ann = sdkClient(server, Map.of(KEY, KEY_ANN), null);
    McpSyncClient ben = sdkClient(server, Map.of(KEY, KEY_BEN), null);

    long start = System.nanoTime();
    assertAllowedTimes(2, ann, "get_track", TRACK);
    RateLimited annRejected = assertRateLimited(ann, "get_track", TRACK, "ann's third");
    Duration annElapsed = Duration.ofNanos(System.nanoTime() - start);
    // ann's empty bucket is not ben's.
    start = System.nanoTime();
    assertAllowedTimes(5, ben, "get_track", TRACK);
    RateLimited benRejected = assertRateLimited(ben, "get_track", TRACK, "ben's sixth");
    Duration benElapsed = Duration.ofNanos(System.nanoTime() - start);

    // bronze: 2/h, a token every 1800 s; silver: 5/h, every 720 s.
    annRejected.assertMatches(new RateLimited(1800, 2, 0, "bronze", "get_track", "caller"), annElapsed);
    benRejected.assertMatches(new RateLimited(720, 5, 0, "silver", "get_track", "caller"), benElapsed);
    assertEquals("bronze", assertRateLimited(ann, "get_track", TRACK, "ann again").tier());
  }

  @Test
  void tierHeadersAndMetaFromTheClientChangeNothing() {
    RawMcpClient carl = RawMcpClient.connect(server, KEY, KEY_CARL);

    Response first = carl.callTool("get_track", TRACK, SPOOFED_META, SPOOFED_TIER_HEADERS);
    long since = first.sentEpochMillis();
    first.assertToolResult("first");
    first.assertRateLimitHeaders("bronze", 2, 1, 3600, 1800, null, since);
    Response second = carl.callTool("get_track", TRACK, SPOOFED_META, SPOOFED_TIER_HEADERS);
    second.assertToolResult("second");
    second.assertRateLimitHeaders("bronze", 2, 0, 3600, 3600, null, since);
    Response third = carl.callTool("get_track", TRACK, SPOOFED_META, SPOOFED_TIER_HEADERS);

    assertEquals(429, third.status(), () -> "status of " + third);
    third.rateLimited().assertMatches(new RateLimited(1800, 2, 0, "bronze", "get_track", "caller"),
        Duration.ofMillis(third.receivedEpochMillis() - since));
  }

  @Test
  void anSdkClientNamedEnterpriseIsLimitedByItsKeysTier() {
    Map<String, String> headers = new HashMap<>(SPOOFED_TIER_HEADERS);
    headers.put(KEY, KEY_DORA);
    McpSyncClient dora = sdkClient(server, headers, "enterprise");

    long start = System.nanoTime();
    assertAllowedTimes(2, dora, "get_track", TRACK);
    RateLimited rejected = assertRateLimited(dora, "get_track", TRACK, "third");

    rejected.assertMatches(new RateLimited(1800, 2, 0, "bronze", "get_track", "caller"),
        Duration.ofNanos(System.nanoTime() - start));
  }

  @Test
  void wrongKeysAndNoKeysShareTheAnonymousBucketOfTheAddressOnTheDefaultTier() {
    // The only test on the shared server calling without a known key: anon:127.0.0.1 is its own.
    McpSyncClient namedEnterprise = sdkClient(server, SPOOFED_TIER_HEADERS, "enterprise");
    RawMcpClient wrong = RawMcpClient.connect(server, KEY, WRONG_KEY);
    RawMcpClient otherWrong = RawMcpClient.connect(server, KEY, OTHER_WRONG_KEY);
    RawMcpClient none = RawMcpClient.connect(server);

    // free: 6/h with burst 6, a token every 600 s; six calls between them, whatever they send.
    Response first = wrong.callTool("get_track", TRACK);
    long since = first.sentEpochMillis();
    first.assertToolResult("wrong key");
    first.assertRateLimitHeaders("free", 6, 5, 3600, 600, null, since);
    Response spoofing = none.callTool("get_track", TRACK, SPOOFED_META, SPOOFED_TIER_HEADERS);
    spoofing.assertToolResult("no key, tier headers and _meta");
    spoofing.assertRateLimitHeaders("free", 6, 4, 3600, 1200, null, since);
    Calls.assertAllowed(namedEnterprise, "get_track", TRACK, "SDK client named enterprise, no key");
    Response another = otherWrong.callTool("get_track", TRACK);
    another.assertToolResult("another wrong key");
    another.assertRateLimitHeaders("free", 6, 2, 3600, 2400, null, since);
    none.callTool("get_track", TRACK).assertRateLimitHeaders("free", 6, 1, 3600, 3000, null, since);
    wrong.callTool("get_track", TRACK).assertRateLimitHeaders("free", 6, 0, 3600, 3600, null, since);

    RateLimited expected = new RateLimited(600, 6, 0, "free", "get_track", "caller");
    for (Response rejected : List.of(
        wrong.callTool("get_track", TRACK),
        otherWrong.callTool("get_track", TRACK),
        none.callTool("get_track", TRACK, SPOOFED_META, SPOOFED_TIER_HEADERS),
        none.callTool("get_track", TRACK))) {
      assertEquals(429, rejected.status(), () -> "status of " + rejected);
      rejected.rateLimited().assertMatches(expected, Duration.ofMillis(rejected.receivedEpochMillis() - since));
    }
    assertEquals(expected.withRetryAfter(0),
        assertRateLimited(namedEnterprise, "get_track", TRACK, "SDK client named enterprise").withRetryAfter(0));

    Map<String, Object> status = wrong.callTool("rate_limit_status", Map.of()).structuredContent();
    assertEquals("anon:127.0.0.1", status.get("caller"));
    assertEquals("free", status.get("tier"));
  }

  @Test
  void behindATrustedProxyEachForwardedClientHasItsOwnAnonymousBucket(@TempDir Path dir) throws Exception {
    ForkedServer proxied = start(dir, "proxied",
        "trusted-proxies=127.0.0.1",
        "tier.free.rate=3/h",
        "tier.free.burst=3");
    RawMcpClient one = RawMcpClient.connect(proxied, "X-Forwarded-For", "203.0.113.1");
    RawMcpClient two = RawMcpClient.connect(proxied, "X-Forwarded-For", "203.0.113.2");
    // Whatever the client wrote left of the proxy's own entry proves nothing.
    RawMcpClient prepended = RawMcpClient.connect(proxied, "X-Forwarded-For", "198.51.100.9, 203.0.113.1");
    // A chain through another trusted proxy: the nearest untrusted hop is the client.
    RawMcpClient chained = RawMcpClient.connect(proxied, "X-Forwarded-For", "203.0.113.3, 127.0.0.1");
    RawMcpClient direct = RawMcpClient.connect(proxied);

    // free: 3/h with burst 3, a token every 1200 s: nothing refills during the test.
    for (RawMcpClient client : List.of(one, two)) {
      for (int i = 1; i <= 3; i++) {
        Response admitted = client.callTool("get_track", TRACK);
        admitted.assertToolResult("call " + i);
        assertEquals(3 - i, admitted.longHeader("X-RateLimit-Remaining"), () -> "remaining in " + admitted);
      }
    }
    RateLimited expected = new RateLimited(1200, 3, 0, "free", "get_track", "caller");
    for (RawMcpClient client : List.of(one, two, prepended)) {
      Response rejected = client.callTool("get_track", TRACK);
      assertEquals(429, rejected.status(), () -> "status of " + rejected);
      assertEquals(expected.withRetryAfter(0), rejected.rateLimited().withRetryAfter(0));
    }
    for (RawMcpClient client : List.of(chained, direct)) {
      Response fresh = client.callTool("get_track", TRACK);
      fresh.assertToolResult("a client of its own");
      assertEquals(2, fresh.longHeader("X-RateLimit-Remaining"), () -> "remaining in " + fresh);
    }

    assertEquals("anon:203.0.113.1", callerOf(one));
    assertEquals("anon:203.0.113.2", callerOf(two));
    assertEquals("anon:203.0.113.1", callerOf(prepended));
    assertEquals("anon:203.0.113.3", callerOf(chained));
    assertEquals("anon:127.0.0.1", callerOf(direct));
    proxied.close();
  }

  /**
   * A proxy may append its X-Forwarded-For entry as a header line of its own (HAProxy's
   * {@code option forwardfor} does) rather than joining it to the one the client sent. HTTP makes
   * the two lines one list in order (RFC 9110 5.3), so the nearest hop is still the proxy's entry.
   */
  @Test
  void behindATrustedProxyAForwardedForLineOfTheClientsOwnChangesNothing(@TempDir Path dir) throws Exception {
    ForkedServer proxied = start(dir, "proxied-lines",
        "trusted-proxies=127.0.0.1",
        "tier.free.rate=3/h",
        "tier.free.burst=3");
    // What the proxy forwards for client 203.0.113.5: only its own line, or after the client's.
    RawMcpClient honest = RawMcpClient.connect(proxied, "X-Forwarded-For", "203.0.113.5");
    List<RawMcpClient> inventive = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      inventive.add(RawMcpClient.connect(proxied,
          "X-Forwarded-For", "10.9.9." + i,
          "X-Forwarded-For", "203.0.113.5"));
    }

    callGetTrackTimes(3, honest);
    RateLimited expected = new RateLimited(1200, 3, 0, "free", "get_track", "caller");
    assertEquals(expected.withRetryAfter(0), honest.callTool("get_track", TRACK).rateLimited().withRetryAfter(0));
    for (RawMcpClient client : inventive) {
      assertEquals("anon:203.0.113.5", callerOf(client), "the client the proxy saw");
      Response response = client.callTool("get_track", TRACK);
      assertEquals(429, response.status(), () -> "the client's own X-Forwarded-For line bought a fresh bucket: "
          + response);
    }
    proxied.close();
  }

  private static void callGetTrackTimes(int times, RawMcpClient client) {
    for (int i = 1; i <= times; i++) {
      client.callTool("get_track", TRACK).assertToolResult("call " + i);
    }
  }

  @Test
  void withoutATrustedProxyForwardedForIsIgnored(@TempDir Path dir) throws Exception {
    ForkedServer unproxied = start(dir, "unproxied",
        "tier.free.rate=3/h",
        "tier.free.burst=3");
    RawMcpClient one = RawMcpClient.connect(unproxied, "X-Forwarded-For", "203.0.113.1");
    RawMcpClient two = RawMcpClient.connect(unproxied, "X-Forwarded-For", "203.0.113.2");
    RawMcpClient direct = RawMcpClient.connect(unproxied);

    // The same requests as behind the proxy: one bucket of 3 between them.
    Response first = one.callTool("get_track", TRACK);
    long since = first.sentEpochMillis();
    first.assertRateLimitHeaders("free", 3, 2, 3600, 1200, null, since);
    two.callTool("get_track", TRACK).assertRateLimitHeaders("free", 3, 1, 3600, 2400, null, since);
    one.callTool("get_track", TRACK).assertRateLimitHeaders("free", 3, 0, 3600, 3600, null, since);
    RateLimited expected = new RateLimited(1200, 3, 0, "free", "get_track", "caller");
    for (RawMcpClient client : List.of(two, one, direct)) {
      Response rejected = client.callTool("get_track", TRACK);
      assertEquals(429, rejected.status(), () -> "status of " + rejected);
      rejected.rateLimited().assertMatches(expected, Duration.ofMillis(rejected.receivedEpochMillis() - since));
    }

    assertEquals("anon:127.0.0.1", callerOf(one));
    assertEquals("anon:127.0.0.1", callerOf(two));
    unproxied.close();
  }

  @Test
  void whenAKeyIsRequiredUnknownKeysAreUnauthorizedAndKnownOnesWork(@TempDir Path dir) throws Exception {
    List<String> lines = List.of(
        "identity.require-key=true",
        "tier.free.rate=3/h",
        "tier.free.burst=3",
        "caller.rita.api-key-sha256=" + McpClients.sha256(KEY_RITA),
        "caller.rita.tier=free");
    ForkedServer strict = start(dir, "strict", lines.toArray(String[]::new));
    RawMcpClient unknown = RawMcpClient.connect(strict, KEY, WRONG_KEY);
    RawMcpClient none = RawMcpClient.connect(strict);
    RawMcpClient rita = RawMcpClient.connect(strict, KEY, KEY_RITA);

    // Only tool calls need the key.
    assertEquals(200, unknown.listTools().status());
    assertEquals(200, none.ping().status());
    // More often than any burst: refused every time, never rate limited.
    for (int i = 0; i < 4; i++) {
      for (RawMcpClient client : List.of(unknown, none)) {
        assertUnauthorized(client.callTool("get_track", TRACK), 401);
      }
    }
    assertUnauthorized(none.callTool("rate_limit_status", Map.of()), 401);

    Response admitted = rita.callTool("get_track", TRACK);
    admitted.assertToolResult("rita");
    admitted.assertRateLimitHeaders("free", 3, 2, 3600, 1200, null, admitted.sentEpochMillis());

    // With reject.http-status=200 the refusal keeps the status 200 (the file is reloaded live).
    List<String> reloaded = new ArrayList<>(lines);
    reloaded.add("reject.http-status=200");
    ConfigFile.replace(dir.resolve("strict.properties"), reloaded.toArray(String[]::new));
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    Response refused = unknown.callTool("get_track", TRACK);
    while (refused.status() != 200 && System.nanoTime() < deadline) {
      Thread.sleep(100);
      refused = unknown.callTool("get_track", TRACK);
    }
    assertUnauthorized(refused, 200);
    assertEquals(1, rita.callTool("get_track", TRACK).longHeader("X-RateLimit-Remaining"), "rita's bucket kept");
    strict.close();
  }

  /** A refusal for want of a known key: {@code status}, JSON-RPC -32001, no rate-limit headers. */
  static void assertUnauthorized(Response response, int status) {
    assertEquals(status, response.status(), () -> "status of " + response);
    response.assertSameId();
    Map<String, Object> error = response.error();
    assertTrue(error != null, () -> "no JSON-RPC error in " + response);
    assertEquals(-32001, ((Number) error.get("code")).intValue(), () -> "code in " + response);
    assertTrue(String.valueOf(error.get("message")).startsWith("Unauthorized"), () -> "message in " + response);
    assertFalse(String.valueOf(error.get("message")).startsWith("Rate limit exceeded"));
    response.assertNoRateLimitHeaders("a refused call is not a rate-limit decision");
  }

  /** The caller id {@code rate_limit_status} reports to {@code client}. */
  private static String callerOf(RawMcpClient client) {
    Response status = client.callTool("rate_limit_status", Map.of());
    status.assertToolResult("rate_limit_status");
    return (String) status.structuredContent().get("caller");
  }

  @Test
  @Order(Integer.MAX_VALUE)
  void noLogEverHoldsAKeyInClearOrHashed() {
    // After every other test of the class; more calls with each key, admitted and rejected.
    for (String key : List.of(KEY_ANN, KEY_BEN, KEY_CARL, KEY_DORA, WRONG_KEY, OTHER_WRONG_KEY)) {
      RawMcpClient client = RawMcpClient.connect(server, KEY, key);
      for (int i = 0; i < 3; i++) {
        client.callTool("get_track", TRACK);
      }
      client.callTool("rate_limit_status", Map.of());
    }

    assertTrue(servers.size() >= 1);
    for (ForkedServer forked : servers) {
      List<String> output = new ArrayList<>(forked.stderr());
      output.addAll(forked.stdout());
      assertTrue(output.stream().anyMatch(line -> line.startsWith("[mcp-ratelimit] FINE ")),
          () -> "the agent's logger should run at ALL; output:\n" + String.join("\n", output));
      for (String key : ALL_KEYS) {
        String hash = McpClients.sha256(key);
        for (String line : output) {
          assertFalse(line.contains(key), () -> "key " + key + " in the output: " + line);
          assertFalse(line.toLowerCase(Locale.ROOT).contains(hash), () -> "hash of " + key + " in the output: " + line);
        }
      }
    }
  }
}
