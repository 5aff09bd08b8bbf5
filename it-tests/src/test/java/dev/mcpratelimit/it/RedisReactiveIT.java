package dev.mcpratelimit.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reactive servers with the Redis store: Spring AI WebFlux servers decide each tools/call on Redis
 * without waiting on their Netty event loops (the decision is chained onto a worker), so they
 * share one limit. A is Spring AI 1.0.3 (MCP SDK 0.10, SSE), B Spring AI 2.0.0 (SDK 1.x,
 * Streamable HTTP), C Spring AI 1.1.3 stateless (the stateless server's dispatch): two SDK ranges'
 * advice. Before the chaining, each decided on buckets of its own.
 */
class RedisReactiveIT {

  private static final String VERSION_SSE = "2024-11-05";
  private static final String VERSION_STREAMABLE = "2025-03-26";
  private static final Map<String, Object> ECHO = Map.of("text", "hi");

  @TempDir
  static Path dir;

  private static RedisProcess redis;
  private static ForkedServer a;
  private static ForkedServer b;
  private static ForkedServer c;
  private static final List<RawMcpClient> clients = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    redis = new RedisProcess();
    List<String> lines = new ArrayList<>(redis.storeLines());
    lines.addAll(List.of(
        // Generous on a shared 2-core machine: a slow first call must not fall back to local buckets.
        "store.redis.timeout=2s",
        "tier.free.rate=10/min",
        "tier.free.burst=10"));
    lines.addAll(List.of(ConfigFile.caller("walker", "key-walker", "free")));
    lines.addAll(List.of(ConfigFile.caller("reader", "key-reader", "free")));
    Path config = ConfigFile.write(dir, "ratelimit.properties", lines.toArray(String[]::new));
    Path servers = Path.of(System.getProperty("matrix.servers.dir"));
    a = webflux(servers.resolve("spring-ai-1.0.3-webflux.jar"), config);
    b = webflux(servers.resolve("spring-ai-2.0.0-webflux.jar"), config, "--spring.ai.mcp.server.protocol=STREAMABLE");
    c = webflux(servers.resolve("spring-ai-1.1.3-webflux.jar"), config, "--spring.ai.mcp.server.protocol=STATELESS");
  }

  private static ForkedServer webflux(Path jar, Path config, String... more) throws Exception {
    List<String> args = new ArrayList<>(List.of("--server.port=0"));
    args.addAll(List.of(more));
    return ForkedServer.executableJar(jar, args.toArray(String[]::new))
        .jvmOption("-Dreactor.netty.ioShutdownQuietPeriod=0").agent(config).start();
  }

  @AfterAll
  static void stop() {
    clients.forEach(RawMcpClient::close);
    Calls.closeAll(a, b, c, redis);
  }

  private static RawMcpClient onA(String key) {
    RawMcpClient client = RawMcpClient.openSse(URI.create(a.baseUrl() + "/sse"), VERSION_SSE, McpClients.API_KEY_HEADER, key);
    clients.add(client);
    return client;
  }

  private static RawMcpClient onB(String key) {
    RawMcpClient client = RawMcpClient.open(URI.create(b.url()), VERSION_STREAMABLE, McpClients.API_KEY_HEADER, key);
    clients.add(client);
    return client;
  }

  private static RawMcpClient onC(String key) {
    RawMcpClient client = RawMcpClient.open(URI.create(c.url()), VERSION_STREAMABLE, McpClients.API_KEY_HEADER, key);
    clients.add(client);
    return client;
  }

  /** Admitted (a tool result) or rate limited (the agent's rejection): nothing else may come back. */
  private static boolean admitted(RawMcpClient.Response response) {
    assertNotNull(response.message(), () -> "no answer: " + response);
    if (response.error() == null) {
      response.assertSameId();
      assertTrue(!Boolean.TRUE.equals(response.result().get("isError")), () -> "tool error: " + response);
      return true;
    }
    assertEquals("caller", response.rateLimited().scope(), response::toString);
    return false;
  }

  @Test
  void callsTakingTurnsOnThreeWebFluxServersAdmitExactlyTheBurstTogether() {
    List<RawMcpClient> turns = List.of(onA("key-walker"), onB("key-walker"), onC("key-walker"));
    StringBuilder trace = new StringBuilder();
    int admitted = 0;
    List<Integer> refusedStatuses = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      RawMcpClient.Response response = turns.get(i % 3).callTool("echo", ECHO);
      boolean yes = admitted(response);
      trace.append("ABC".charAt(i % 3)).append(yes ? '+' : '-').append(' ');
      admitted += yes ? 1 : 0;
      if (!yes && i % 3 != 0) {
        refusedStatuses.add(response.status());
      }
    }
    int total = admitted;
    assertEquals(10, admitted, () -> "one burst of 10 for the three servers, not 10 each: " + trace
        + "\n--- A:\n" + String.join("\n", a.stderr()) + "\n--- B:\n" + String.join("\n", b.stderr())
        + "\n--- C:\n" + String.join("\n", c.stderr()));
    assertEquals(List.of(429, 429, 429, 429), refusedStatuses, "the Streamable and stateless refusals, decided on a worker");
    for (ForkedServer server : List.of(a, b, c)) {
      assertTrue(server.stderr().stream().noneMatch(line -> line.contains("does not answer")),
          () -> "an outage: " + String.join("\n", server.stderr()));
    }
  }

  @Test
  void theHeadersAndStatusOfTheStreamableServerTellWhatTheSseServerSpent() {
    RawMcpClient sse = onA("key-reader");
    RawMcpClient streamable = onB("key-reader");
    assertTrue(admitted(sse.callTool("echo", ECHO)));
    assertTrue(admitted(sse.callTool("echo", ECHO)));
    RawMcpClient.Response response = streamable.callTool("echo", ECHO);
    assertTrue(admitted(response));
    assertEquals(7, response.longHeader("X-RateLimit-Remaining"), response::toString);
    // rate_limit_status is answered on the worker too, from Redis (its own bucket; the tier's 7 stay).
    RawMcpClient.Response status = streamable.callTool("rate_limit_status", Map.of());
    List<?> buckets = (List<?>) status.structuredContent().get("buckets");
    assertTrue(buckets.stream().anyMatch(bucket -> bucket instanceof Map<?, ?> m && "caller".equals(m.get("scope"))
        && ((Number) m.get("remaining")).longValue() == 7), status::toString);
  }
}
