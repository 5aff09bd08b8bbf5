package dev.mcpratelimit.it;

import static dev.mcpratelimit.it.Calls.TRACK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcpratelimit.it.RawMcpClient.Response;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tool a tier may never call (denied with {@code allowed=false}, or costing more than its burst):
 * JSON-RPC -32003 "not available on tier", HTTP 403 without Retry-After, nothing charged, over HTTP
 * and stdio. The file still loads (with a warning for the cost).
 */
class UnavailableToolIT {

  private static final List<String> CONFIG = List.of(
      "tier.free.rate=10/h",
      "tier.free.burst=10",
      "caller.local.tier=free",
      "stdio.caller=local",
      "tool.search_tracks.tier.free.allowed=false",
      "tool.recommend_tracks.cost=20");

  @AfterEach
  void noServerLeft() throws InterruptedException {
    ForkedServer.assertNoStdioServerLeft();
  }

  @Test
  void overHttpTheAnswerIs403WithTheJsonRpcErrorAndNothingIsCharged(@TempDir Path dir) throws Exception {
    Path config = ConfigFile.write(dir, "ratelimit.properties", CONFIG.toArray(String[]::new));
    try (ForkedServer server = ForkedServer.sampleServer().agent(config).start()) {
      server.assertStartLine("enforce");
      assertTrue(server.stderr().stream().anyMatch(line -> line.contains("WARNING") && line.contains("recommend_tracks")),
          () -> "the cost above free's burst is a warning: " + server.stderr());
      RawMcpClient client = RawMcpClient.connect(server);
      for (String tool : List.of("search_tracks", "recommend_tracks")) {
        Response response = client.callTool(tool, Map.of("query", "jazz", "trackId", "trk-1-1"));
        assertEquals(403, response.status(), response::toString);
        assertTrue(response.header("Retry-After").isEmpty(), response::toString);
        Map<String, Object> error = response.error();
        assertEquals(-32003, ((Number) error.get("code")).intValue());
        assertTrue(((String) error.get("message")).startsWith("Tool " + tool + " is not available on tier free"));
        assertEquals(Map.of("tool", tool, "tier", "free"), Map.of("tool", ((Map<?, ?>) error.get("data")).get("tool"),
            "tier", ((Map<?, ?>) error.get("data")).get("tier")));
      }
      for (int i = 0; i < 10; i++) {
        assertEquals(200, client.callTool("get_track", TRACK).status(), "the refusals charged nothing");
      }
    }
  }

  @Test
  void overStdioTheSameJsonRpcError(@TempDir Path dir) throws Exception {
    Path config = ConfigFile.write(dir, "ratelimit.properties", CONFIG.toArray(String[]::new));
    List<String> stderr = new CopyOnWriteArrayList<>();
    try (McpSyncClient client = McpClients.stdio(ForkedServer.stdioServerArgs(config), stderr::add)) {
      for (String tool : List.of("search_tracks", "recommend_tracks")) {
        SdkClientError error = SdkClientError.of(assertThrows(RuntimeException.class,
            () -> client.callTool(new CallToolRequest(tool, Map.of("query", "jazz", "trackId", "trk-1-1")))));
        assertEquals(-32003, error.code());
        assertTrue(error.message().startsWith("Tool " + tool + " is not available on tier free"), error.message());
      }
      Calls.assertAllowedTimes(10, client, "get_track", TRACK);
    }
  }
}
