package dev.mcpratelimit.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code identity.require-key=true} on the Spring transports, as on the servlet ones: a tool call
 * without a known key gets HTTP 401 and -32001, a known key is served with its headers. Spring AI
 * 2.0.0 over Streamable HTTP, on WebMVC and on WebFlux, and on WebFlux with the Redis store, where
 * the refusal is decided on a worker after the event loop handed the call over.
 */
class SpringRequireKeyIT {

  private static final String KEY = "rita-key-Qm4Lw9";
  private static final Map<String, Object> ECHO = Map.of("text", "hi");

  @ParameterizedTest
  @ValueSource(strings = {"webmvc", "webflux", "webflux+redis"})
  void aToolCallWithoutAKnownKeyIsUnauthorized(String stack, @TempDir Path dir) throws Exception {
    try (RedisProcess redis = stack.endsWith("+redis") ? new RedisProcess() : null) {
      List<String> lines = new ArrayList<>(redis == null ? List.of() : redis.storeLines());
      lines.addAll(List.of("identity.require-key=true", "tier.free.rate=3/h", "tier.free.burst=3"));
      lines.addAll(List.of(ConfigFile.caller("rita", KEY, "free")));
      Path config = ConfigFile.write(dir, "ratelimit.properties", lines.toArray(String[]::new));
      Path jar = Path.of(System.getProperty("matrix.servers.dir")).resolve("spring-ai-2.0.0-" + stack.replace("+redis", "") + ".jar");
      try (ForkedServer server = ForkedServer.executableJar(jar, "--server.port=0", "--spring.ai.mcp.server.protocol=STREAMABLE")
          .jvmOption("-Dreactor.netty.ioShutdownQuietPeriod=0").agent(config).start()) {
        URI endpoint = URI.create(server.url());
        RawMcpClient none = RawMcpClient.open(endpoint, "2025-03-26");
        RawMcpClient wrong = RawMcpClient.open(endpoint, "2025-03-26", McpClients.API_KEY_HEADER, "wrong-key-Zt2");
        RawMcpClient rita = RawMcpClient.open(endpoint, "2025-03-26", McpClients.API_KEY_HEADER, KEY);
        try {
          assertEquals(200, none.listTools().status(), "only tool calls need the key");
          for (int i = 0; i < 4; i++) { // more often than the burst: refused each time, never rate limited
            CallerIdentityIT.assertUnauthorized(none.callTool("echo", ECHO), 401);
            CallerIdentityIT.assertUnauthorized(wrong.callTool("echo", ECHO), 401);
          }
          RawMcpClient.Response admitted = rita.callTool("echo", ECHO);
          admitted.assertToolResult("rita on " + stack);
          admitted.assertRateLimitHeaders("free", 3, 2, 3600, 1200, null, admitted.sentEpochMillis());
        } finally {
          none.close();
          wrong.close();
          rita.close();
        }
      }
    }
  }
}
