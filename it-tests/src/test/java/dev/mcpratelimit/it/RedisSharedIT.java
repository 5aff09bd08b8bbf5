package dev.mcpratelimit.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelcontextprotocol.client.McpSyncClient;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Two sample servers with the agent share one real Redis: one limit for both. */
class RedisSharedIT extends SharedRedisLimits {

  private RedisProcess redis;

  @Override
  List<String> startRedis() throws Exception {
    redis = new RedisProcess();
    return redis.storeLines();
  }

  @Override
  AutoCloseable redis() {
    return redis;
  }

  @Override
  String storeInStartLine() {
    return "redis 127.0.0.1:" + redis.port() + "/0";
  }

  @Test
  void aWrongPasswordIsOneClearLineAndTheHostServesWithLocalBuckets() throws Exception {
    Path config = ConfigFile.write(dir, "wrong-password.properties",
        "store=redis",
        "store.redis.url=redis://:wrong-pass-123@127.0.0.1:" + redis.port() + "/0",
        "tier.free.rate=10/min",
        "tier.free.burst=10");
    try (ForkedServer server = ForkedServer.sampleServer().agent(config).start()) {
      int admitted = 0;
      try (McpSyncClient client = McpClients.http(server, null)) {
        for (int i = 0; i < 12; i++) {
          admitted += Calls.admitted(client) ? 1 : 0;
        }
      }
      assertEquals(10, admitted, "on-outage=local with share 1.0: the whole burst, in this instance");
      List<String> lines = server.stderr();
      List<String> outage = lines.stream().filter(line -> line.contains("does not answer")).toList();
      assertEquals(1, outage.size(), () -> String.join("\n", lines));
      assertTrue(outage.get(0).startsWith("[mcp-ratelimit] WARNING Redis at 127.0.0.1:" + redis.port() + "/0 does not answer ("),
          outage.get(0));
      assertTrue(lines.stream().noneMatch(line -> line.contains("wrong-pass-123")), () -> String.join("\n", lines));
    }
  }
}
