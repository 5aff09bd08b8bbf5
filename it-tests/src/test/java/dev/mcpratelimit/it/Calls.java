package dev.mcpratelimit.it;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import java.util.Map;

/** Tool calls with the outcome asserted. */
public final class Calls {

  public static final Map<String, Object> TRACK = Map.of("id", "trk-1-1");
  public static final Map<String, Object> ALBUM = Map.of("id", "alb-1");
  public static final Map<String, Object> SEARCH = Map.of("query", "blue", "limit", 2);
  public static final Map<String, Object> RECOMMEND = Map.of("seed_track_id", "trk-1-1", "count", 2);

  private Calls() {}

  public static CallToolResult call(McpSyncClient client, String tool, Map<String, Object> arguments) {
    return client.callTool(CallToolRequest.builder(tool).arguments(arguments).build());
  }

  /** Whether a {@code get_track} call ran ({@code true}) or was rate limited ({@code false}); nothing else may happen. */
  public static boolean admitted(McpSyncClient client) {
    try {
      call(client, "get_track", TRACK);
      return true;
    } catch (RuntimeException e) {
      assertTrue(String.valueOf(e.getMessage()).contains("Rate limit exceeded"), String.valueOf(e.getMessage()));
      return false;
    }
  }

  /** Closes each (best effort: the reaper kills what is left), {@code null}s skipped. */
  public static void closeAll(AutoCloseable... closeables) {
    for (AutoCloseable closeable : closeables) {
      try {
        if (closeable != null) {
          closeable.close();
        }
      } catch (Exception e) {
        // best effort
      }
    }
  }

  /** Calls {@code tool} and asserts the call ran and succeeded. */
  public static CallToolResult assertAllowed(McpSyncClient client, String tool, Map<String, Object> arguments,
      String what) {
    CallToolResult result;
    try {
      result = call(client, tool, arguments);
    } catch (McpError e) {
      return fail(what + ": " + tool + " should have been allowed, got " + e.getJsonRpcError(), e);
    }
    assertFalse(Boolean.TRUE.equals(result.isError()), () -> what + ": " + tool + " ran but failed: " + text(result));
    return result;
  }

  /**
   * Calls {@code tool} and asserts the agent rejected it, in a normal response ({@link McpError})
   * or with another HTTP status ({@code reject.http-status}, 429 by default), which the SDK client
   * reports as a transport exception carrying the body; see {@link RateLimited#of(Throwable)}.
   */
  public static RateLimited assertRateLimited(McpSyncClient client, String tool, Map<String, Object> arguments,
      String what) {
    RuntimeException thrown = assertThrows(RuntimeException.class, () -> call(client, tool, arguments),
        () -> what + ": " + tool + " should have been rate limited");
    return RateLimited.of(thrown);
  }

  /** {@code count} allowed calls in a row. */
  public static void assertAllowedTimes(int count, McpSyncClient client, String tool, Map<String, Object> arguments) {
    for (int i = 1; i <= count; i++) {
      assertAllowed(client, tool, arguments, "call " + i + " of " + count);
    }
  }

  static String text(CallToolResult result) {
    return result.content().isEmpty() || !(result.content().get(0) instanceof TextContent text)
        ? String.valueOf(result) : text.text();
  }
}
