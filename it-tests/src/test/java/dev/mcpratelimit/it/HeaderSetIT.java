package dev.mcpratelimit.it;

import static dev.mcpratelimit.it.Calls.TRACK;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mcpratelimit.it.RawMcpClient.Response;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code headers}: an HTTP response gets the rate-limit headers of the configured set and no
 * others, a reload changes the set, and a rejection keeps its 429 and {@code Retry-After} whatever
 * the set. The sample server over Streamable HTTP, and Spring AI 2.0.0 on WebMVC and on WebFlux
 * (where the headers go through the reactive response), read with a plain HTTP client.
 */
class HeaderSetIT {

  private static final Map<String, Object> ECHO = Map.of("text", "hi");
  private static final List<String> RATE_LIMIT_HEADERS = List.of(
      "x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset", "ratelimit-policy", "ratelimit");

  @TempDir
  Path dir;

  @Test
  void responsesGetTheConfiguredHeadersAndRejectionsAlwaysTheirRetryAfter() throws Exception {
    Path config = ConfigFile.write(dir, "ratelimit.properties", lines("ietf"));
    try (ForkedServer server = ForkedServer.sampleServer().agent(config).start()) {
      server.assertAgentStarted("enforce");
      RawMcpClient client = RawMcpClient.connect(server, McpClients.API_KEY_HEADER, "key-sets");

      Response ietf = client.callTool("get_track", TRACK);
      ietf.assertToolResult("with headers=ietf");
      assertEquals(List.of("ratelimit", "ratelimit-policy"), rateLimitHeaders(ietf), () -> "headers of " + ietf);
      assertEquals("\"sets\";q=3;w=3600", ietf.requiredHeader("RateLimit-Policy"));
      assertEquals("\"sets\";r=2;t=1200", ietf.requiredHeader("RateLimit"));

      reload(server, config, lines("none"));
      for (int call = 2; call <= 3; call++) {
        Response none = client.callTool("get_track", TRACK);
        none.assertToolResult("call " + call + " with headers=none");
        assertEquals(List.of(), rateLimitHeaders(none), () -> "headers of " + none);
      }
      Response rejected = client.callTool("get_track", TRACK);
      assertEquals(429, rejected.status(), () -> "the bucket kept its count across the reload: " + rejected);
      assertEquals(List.of(), rateLimitHeaders(rejected), () -> "headers of " + rejected);
      assertEquals(1200, rejected.longHeader("Retry-After"), 30.0, () -> "Retry-After of " + rejected);

      reload(server, config, lines("x-ratelimit"));
      Response trio = client.callTool("get_track", TRACK);
      assertEquals(429, trio.status(), () -> "status of " + trio);
      assertEquals(List.of("x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset"), rateLimitHeaders(trio),
          () -> "headers of " + trio);
      assertEquals(0, trio.longHeader("X-RateLimit-Remaining"));
      assertEquals(1200, trio.longHeader("Retry-After"), 30.0, () -> "Retry-After of " + trio);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"webmvc", "webflux"})
  void springTransportsSendNoneWithHeadersNoneButARejectionsRetryAfter(String stack) throws Exception {
    Path config = ConfigFile.write(dir, "ratelimit.properties", lines("none"));
    Path jar = Path.of(System.getProperty("matrix.servers.dir")).resolve("spring-ai-2.0.0-" + stack + ".jar");
    try (ForkedServer server = ForkedServer.executableJar(jar, "--server.port=0", "--spring.ai.mcp.server.protocol=STREAMABLE")
        .jvmOption("-Dreactor.netty.ioShutdownQuietPeriod=0").agent(config).start()) {
      RawMcpClient client = RawMcpClient.open(URI.create(server.url()), "2025-03-26", McpClients.API_KEY_HEADER, "key-sets");
      try {
        for (int call = 1; call <= 3; call++) {
          Response admitted = client.callTool("echo", ECHO);
          admitted.assertToolResult("call " + call + " on " + stack);
          assertEquals(List.of(), rateLimitHeaders(admitted), () -> "headers of " + admitted);
        }
        Response rejected = client.callTool("echo", ECHO);
        assertEquals(429, rejected.status(), () -> "status of " + rejected);
        assertEquals(List.of(), rateLimitHeaders(rejected), () -> "headers of " + rejected);
        assertEquals(1200, rejected.longHeader("Retry-After"), 30.0, () -> "Retry-After of " + rejected);
      } finally {
        client.close();
      }
    }
  }

  /** One caller on a tier of 3 an hour (a token every 1200 s, so nothing refills during the test). */
  private static String[] lines(String headers) {
    List<String> lines = new ArrayList<>(List.of("tier.sets.rate=3/h", "tier.sets.burst=3", "headers=" + headers));
    lines.addAll(List.of(ConfigFile.caller("sets", "key-sets", "sets")));
    return lines.toArray(String[]::new);
  }

  /** The five rate-limit headers present in {@code response}, lower case, sorted. */
  private static List<String> rateLimitHeaders(Response response) {
    return response.headerNames().stream().filter(RATE_LIMIT_HEADERS::contains).toList();
  }

  private static void reload(ForkedServer server, Path config, String[] lines) throws Exception {
    int seen = server.stderr().size();
    ConfigFile.replace(config, lines);
    server.awaitStderr(seen, line -> line.equals("[mcp-ratelimit] INFO " + config
        + ": reloaded; mode enforce, the new limits are in force"), Duration.ofSeconds(10));
  }
}
