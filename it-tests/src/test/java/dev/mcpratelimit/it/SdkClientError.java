package dev.mcpratelimit.it;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCResponse.JSONRPCError;
import io.modelcontextprotocol.spec.McpTransportException;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A JSON-RPC error as the SDK client surfaces it. In a normal response (HTTP 200, or stdio) the
 * client throws {@link McpError}; when the agent answers with another HTTP status
 * ({@code reject.http-status}, 429 by default) the SDK's HTTP transport throws
 * {@link McpTransportException} ("Received unexpected status code: 429, response body: ...") with
 * the body, which holds the same JSON-RPC error.
 *
 * @param httpStatus the status of the response, or {@code 0} when the client threw {@link McpError}
 * @param thrown the exception found ({@link McpError} or {@link McpTransportException})
 */
public record SdkClientError(int httpStatus, RuntimeException thrown, int code, String message, Object data) {

  private static final Pattern UNEXPECTED_STATUS =
      Pattern.compile("status code: (\\d{3}), response body: (.*)", Pattern.DOTALL);

  /** Finds the JSON-RPC error in {@code thrown} or its causes; fails if there is none. */
  public static SdkClientError of(Throwable thrown) {
    for (Throwable t = thrown; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof McpError error) {
        JSONRPCError rpc = error.getJsonRpcError();
        assertNotNull(rpc, () -> "McpError without a JSON-RPC error: " + error);
        return new SdkClientError(0, error, rpc.code(), rpc.message(), rpc.data());
      }
      if (t instanceof McpTransportException transport && transport.getMessage() != null) {
        Matcher matcher = UNEXPECTED_STATUS.matcher(transport.getMessage());
        if (matcher.find()) {
          Map<String, Object> message = RawMcpClient.parseMessage(matcher.group(2));
          Map<?, ?> error = assertInstanceOf(Map.class, message.get("error"), () -> "no JSON-RPC error in " + transport);
          Number code = assertInstanceOf(Number.class, error.get("code"), "JSON-RPC error code");
          return new SdkClientError(Integer.parseInt(matcher.group(1)), transport, code.intValue(),
              (String) error.get("message"), error.get("data"));
        }
      }
    }
    throw new AssertionError("no JSON-RPC error (McpError, or McpTransportException with a status and body) in "
        + thrown, thrown);
  }

  /** {@code code}, {@code message} and {@code data} as in the JSON-RPC error object. */
  public Map<String, Object> error() {
    return data == null ? Map.of("code", code, "message", message) : Map.of("code", code, "message", message, "data", data);
  }
}
