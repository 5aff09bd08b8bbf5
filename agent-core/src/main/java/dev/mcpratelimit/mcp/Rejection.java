package dev.mcpratelimit.mcp;

import dev.mcpratelimit.core.Decision;
import dev.mcpratelimit.core.Outcome;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JSON-RPC error a rejected call gets: code -32000, a message starting "Rate limit exceeded",
 * and data a client can act on. Plain Java: the advice turns it into the SDK's {@code McpError}.
 */
public record Rejection(int code, String message, Map<String, Object> data) {

  /** JSON-RPC's range for server-defined errors starts here. */
  public static final int CODE = -32000;
  /** A call refused for want of a known API key ({@code identity.require-key=true}). */
  public static final int UNAUTHORIZED_CODE = -32001;
  /** A tool the caller's tier may never call: not a rate limit, so never worth retrying. */
  public static final int UNAVAILABLE_CODE = -32003;

  /** Whether {@code data} is a rejection's (the data of an error the agent made). */
  public static boolean isData(Object data) {
    return data instanceof RejectionData;
  }

  public static Rejection of(Decision decision) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("retryAfterSeconds", decision.retryAfterSeconds());
    data.put("limit", decision.limit().capacity());
    data.put("remaining", decision.remaining());
    data.put("tier", decision.tier());
    data.put("tool", decision.tool());
    data.put("scope", decision.scope().label());
    String message = "Rate limit exceeded: " + decision.scope().label() + " limit of " + decision.limit().capacity()
        + " at " + decision.limit().rate() + " for tool " + decision.tool() + " on tier " + decision.tier()
        + "; retry after " + decision.retryAfterSeconds() + " s";
    return new Rejection(CODE, message, new RejectionData(data));
  }

  /** The tool is not available on the caller's tier (a decision with {@link Outcome#UNAVAILABLE}). */
  public static Rejection unavailable(Decision decision) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("tool", decision.tool());
    data.put("tier", decision.tier());
    data.put("reason", decision.unavailableReason());
    return new Rejection(UNAVAILABLE_CODE, "Tool " + decision.tool() + " is not available on tier " + decision.tier()
        + " (" + decision.unavailableReason() + ")", new RejectionData(data));
  }

  /** Not a rate limit: the server requires a known API key and the call had none. */
  public static Rejection unauthorized(String header) {
    return new Rejection(UNAUTHORIZED_CODE, "Unauthorized: this server requires a known API key in the "
        + header + " header", new RejectionData(Map.of("header", header)));
  }
}
