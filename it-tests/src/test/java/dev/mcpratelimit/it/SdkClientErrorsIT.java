package dev.mcpratelimit.it;

import static dev.mcpratelimit.it.Calls.TRACK;
import static dev.mcpratelimit.it.Calls.assertAllowedTimes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpTransportException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the official SDK client makes of a rejection, per {@code reject.http-status}: with 200 the
 * JSON-RPC error arrives in a normal response and the client throws {@link McpError} with the data;
 * with 429 (the default) its HTTP transport refuses the status and throws an
 * {@link McpTransportException} whose message holds the status and the body with the same error.
 * Either way the session goes on.
 */
class SdkClientErrorsIT {

  /** 3/h with burst 3: the fourth call waits 1200 s. */
  private static final RateLimited FOURTH_CALL = new RateLimited(1200, 3, 0, "slow", "get_track", "caller");

  @Test
  void withRejectStatus200TheClientThrowsMcpErrorWithTheData(@TempDir Path dir) throws Exception {
    try (ForkedServer server = start(dir, "reject.http-status=200");
         McpSyncClient client = McpClients.http(server, "key-sid")) {
      long start = System.nanoTime();
      assertAllowedTimes(3, client, "get_track", TRACK);
      McpError error = assertThrows(McpError.class, () -> Calls.call(client, "get_track", TRACK), "call 4");
      Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

      assertEquals(RateLimited.CODE, error.getJsonRpcError().code());
      assertTrue(error.getJsonRpcError().message().startsWith("Rate limit exceeded"), error::getMessage);
      assertInstanceOf(Map.class, error.getJsonRpcError().data(), "McpError data");
      RateLimited.of(error).assertMatches(FOURTH_CALL, elapsed);

      // The session goes on.
      assertTrue(client.listTools().tools().stream().anyMatch(tool -> tool.name().equals("get_track")));
    }
  }

  @Test
  void withRejectStatus429TheClientThrowsATransportExceptionWithTheStatusAndTheError(@TempDir Path dir)
      throws Exception {
    try (ForkedServer server = start(dir);
         McpSyncClient client = McpClients.http(server, "key-sid")) {
      long start = System.nanoTime();
      assertAllowedTimes(3, client, "get_track", TRACK);
      RuntimeException thrown = assertThrows(RuntimeException.class, () -> Calls.call(client, "get_track", TRACK),
          "call 4");
      Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

      McpTransportException transport = transportException(thrown);
      String message = transport.getMessage();
      assertTrue(message.contains("429"), () -> "the status in " + message);
      assertTrue(message.contains("\"code\":-32000") && message.contains("\"message\":\"Rate limit exceeded: ")
          && message.contains("\"tier\":\"slow\",\"tool\":\"get_track\",\"scope\":\"caller\""),
          () -> "the JSON-RPC error in " + message);
      SdkClientError error = SdkClientError.of(thrown);
      assertEquals(429, error.httpStatus());
      RateLimited.of(thrown).assertMatches(FOURTH_CALL, elapsed);

      // The session goes on.
      assertTrue(client.listTools().tools().stream().anyMatch(tool -> tool.name().equals("get_track")));
      client.ping();
      assertInstanceOf(McpTransportException.class, transportException(
          assertThrows(RuntimeException.class, () -> Calls.call(client, "get_track", TRACK), "call 5")));
    }
  }

  private static ForkedServer start(Path dir, String... extra) throws Exception {
    List<String> lines = new ArrayList<>(List.of("tier.slow.rate=3/h", "tier.slow.burst=3"));
    lines.addAll(List.of(extra));
    lines.addAll(List.of(ConfigFile.caller("sid", "key-sid", "slow")));
    ForkedServer server = ForkedServer.sampleServer()
        .agent(ConfigFile.write(dir, "ratelimit.properties", lines.toArray(String[]::new))).start();
    server.assertAgentStarted("enforce");
    return server;
  }

  /** The {@link McpTransportException} in {@code thrown} or its causes (the SDK may wrap it). */
  private static McpTransportException transportException(Throwable thrown) {
    for (Throwable t = thrown; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof McpTransportException transport) {
        return transport;
      }
    }
    throw new AssertionError("no McpTransportException in " + thrown, thrown);
  }
}
