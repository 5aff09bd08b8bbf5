package dev.mcpratelimit.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCResponse.JSONRPCError;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * The agent's rejection: a JSON-RPC error with code -32000, a message starting "Rate limit exceeded"
 * and this data. The SDK client throws it as an {@link McpError} when the response status is 200
 * (or over stdio), else inside its transport's exception (see {@link #of(Throwable)}).
 */
public record RateLimited(long retryAfterSeconds, long limit, long remaining, String tier, String tool, String scope) {

  public static final int CODE = -32000;

  /** Reads the rejection out of {@code error}, asserting its code, message and the data's keys. */
  public static RateLimited of(McpError error) {
    JSONRPCError rpc = error.getJsonRpcError();
    return of(rpc.code(), rpc.message(), rpc.data(), error);
  }

  /**
   * Reads the rejection out of whatever the SDK client threw: an {@link McpError} (a rejection in a
   * normal response: {@code reject.http-status=200}, or stdio) or the transport's exception for a
   * response with another status ({@code reject.http-status}, 429 by default), whose body holds
   * the same JSON-RPC error (see {@link SdkClientError}).
   */
  public static RateLimited of(Throwable thrown) {
    SdkClientError error = SdkClientError.of(thrown);
    return of(error.code(), error.message(), error.data(), thrown);
  }

  /** Reads the rejection out of a JSON-RPC error object ({@code code}, {@code message}, {@code data}). */
  public static RateLimited of(Map<?, ?> error) {
    Number code = assertInstanceOf(Number.class, error.get("code"), () -> "JSON-RPC error code in " + error);
    return of(code.intValue(), (String) error.get("message"), error.get("data"), error);
  }

  private static RateLimited of(int code, String message, Object errorData, Object what) {
    assertEquals(CODE, code, () -> "JSON-RPC code of " + what);
    assertTrue(message != null && message.startsWith("Rate limit exceeded"), () -> "message: " + message);
    Map<?, ?> data = assertInstanceOf(Map.class, errorData, "error data");
    assertEquals(Set.of("retryAfterSeconds", "limit", "remaining", "tier", "tool", "scope"), data.keySet(),
        "error data keys");
    return new RateLimited(number(data, "retryAfterSeconds"), number(data, "limit"), number(data, "remaining"),
        (String) data.get("tier"), (String) data.get("tool"), (String) data.get("scope"));
  }

  private static long number(Map<?, ?> data, String key) {
    return assertInstanceOf(Number.class, data.get(key), key).longValue();
  }

  /** This rejection with another retry-after, for comparing everything else. */
  public RateLimited withRetryAfter(long seconds) {
    return new RateLimited(seconds, limit, remaining, tier, tool, scope);
  }

  /**
   * Asserts this rejection equals {@code expected} exactly, retry-after included, when the calls
   * since the bucket was full took less than a second ({@code elapsed}, measured by the client,
   * bounds the refill the server saw). Only on a machine so slow that they took longer is the
   * retry-after allowed to be correspondingly shorter, as the continuous refill demands.
   */
  public void assertMatches(RateLimited expected, Duration elapsed) {
    if (elapsed.compareTo(Duration.ofSeconds(1)) < 0) {
      assertEquals(expected, this);
      return;
    }
    // Visible in the test output: the machine was too slow for the exact check.
    System.out.println("retryAfterSeconds checked as a range: the calls took " + elapsed.toMillis() + " ms");
    assertEquals(expected, withRetryAfter(expected.retryAfterSeconds()), "everything but retryAfterSeconds");
    long lowest = Math.max(1, expected.retryAfterSeconds() - elapsed.toSeconds());
    assertTrue(retryAfterSeconds >= lowest && retryAfterSeconds <= expected.retryAfterSeconds(),
        () -> "retryAfterSeconds " + retryAfterSeconds + " after " + elapsed.toMillis() + " ms, expected "
            + lowest + ".." + expected.retryAfterSeconds());
  }
}
