package dev.mcpratelimit.gate;

import dev.mcpratelimit.config.AgentConfig;
import dev.mcpratelimit.core.Decision;
import dev.mcpratelimit.core.Outcome;
import dev.mcpratelimit.core.RateLimiter;
import dev.mcpratelimit.gate.AgentRuntime.Settings;
import dev.mcpratelimit.gate.CallContext.HttpRequest;
import dev.mcpratelimit.identity.CallerResolver;
import dev.mcpratelimit.identity.ResolvedCaller;
import dev.mcpratelimit.mcp.RateLimitHeaders;
import dev.mcpratelimit.mcp.Rejection;
import dev.mcpratelimit.mcp.StatusTool;
import java.lang.reflect.Method;
import java.util.Enumeration;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.BiFunction;

/**
 * What the advice calls. Every entry point takes and returns JDK or agent types only (the advice
 * is inlined into SDK classes and converts), never throws except to reject a limited method
 * deliberately, and lets a call through when anything inside the agent fails.
 */
public final class Gate {

  private static final String DEFAULT_HEADER = "X-API-Key";
  /** Set when a server brings its own {@code rate_limit_status}: its calls are then its own. */
  private static volatile boolean ownStatusTool;

  private Gate() {}

  // ---- HTTP transports (servlet doPost) ----

  /** The header that carries API keys, for the HTTP advice to read. */
  public static String identityHeader() {
    AgentRuntime runtime = AgentRuntime.current();
    Settings settings = runtime == null ? null : runtime.settings();
    return settings == null ? DEFAULT_HEADER : settings.config().identity().header();
  }

  /**
   * @param forwardedFor every {@code X-Forwarded-For} line, in order: a proxy may append its own
   *     line after one the client wrote, so reading only the first would believe the client
   * @param response the request's {@code HttpServletResponse}, where headers and status go
   */
  public static void httpRequestStarted(String credential, String peer, Enumeration<String> forwardedFor,
      Object response) {
    CallContext.httpStarted(credential, peer, joined(forwardedFor), response);
  }

  /** The lines of a list header as one comma-separated value, or {@code null} if there are none. */
  static String joined(Enumeration<String> lines) {
    if (lines == null || !lines.hasMoreElements()) {
      return null;
    }
    StringJoiner joined = new StringJoiner(",");
    while (lines.hasMoreElements()) {
      joined.add(lines.nextElement());
    }
    return joined.toString();
  }

  public static void httpRequestEnded() {
    CallContext.httpEnded();
  }

  /**
   * Stands in for the stateless transport's own {@code response.setStatus(status)}, which runs
   * after the dispatch and would overwrite a rejection's status.
   */
  public static void setStatus(Object response, int status) {
    HttpRequest http = CallContext.http();
    try {
      ServletResponses.setStatus(response, http != null && http.status != 0 ? http.status : status);
    } catch (Throwable e) {
      AgentRuntime runtime = AgentRuntime.current();
      if (runtime != null) {
        runtime.errors().record("HTTP status", e);
      }
    }
  }

  // ---- tools/call dispatch ----

  /**
   * Decides a {@code tools/call} before the SDK looks the tool up.
   *
   * @param params the request's params: a map with {@code name}, or the SDK's request record
   * @return {@code null} to let the call run, a {@link Rejection} to answer with instead, or the
   *     {@link StatusTool.Report} that answers {@code rate_limit_status}
   */
  public static Object beforeToolCall(Object params) {
    AgentRuntime runtime = AgentRuntime.current();
    if (runtime == null) {
      return null;
    }
    try {
      Settings settings = runtime.settings();
      String tool = toolName(params);
      if (settings == null || tool == null) {
        return null; // nothing to limit by; a nameless call gets the SDK's own error
      }
      AgentConfig config = settings.config();
      HttpRequest http = CallContext.http();
      CallerResolver identity = config.identity();
      ResolvedCaller caller = runtime.withOverrides(
          http == null ? identity.local() : identity.http(http.credential, http.peer, http.forwardedFor));
      if (http != null && identity.requireKey() && !caller.identified()) {
        respond(http, config.rejectHttpStatus() == 200 ? 200 : 401);
        return Rejection.unauthorized(identity.header());
      }
      CallContext.dispatchStarted(caller);
      RateLimiter limiter = runtime.limiter();
      boolean status = tool.equals(StatusTool.NAME) && !ownStatusTool;
      // Looking at one's limits never costs tier tokens; the status tool has its own small bucket.
      Decision decision = status
          ? limiter.decideWithinCall(caller.id(), caller.tier(), tool)
          : limiter.decide(caller.id(), caller.tier(), tool);
      runtime.observe(decision);
      long now = System.currentTimeMillis();
      if (http != null) {
        for (Map.Entry<String, String> header : RateLimitHeaders.of(decision, now)) {
          ServletResponses.setHeader(http.response, header.getKey(), header.getValue());
        }
      }
      if (decision.outcome() == Outcome.REJECTED) {
        if (http != null) {
          respond(http, config.rejectHttpStatus());
        }
        return Rejection.of(decision);
      }
      return status ? StatusTool.report(caller, limiter.status(caller.id(), caller.tier()), now) : null;
    } catch (Throwable e) {
      runtime.errors().record("tools/call", e);
      return null;
    }
  }

  public static void afterToolCall() {
    CallContext.dispatchEnded();
  }

  private static void respond(HttpRequest http, int status) throws Throwable {
    if (status != 200) {
      http.status = status;
      ServletResponses.setStatus(http.response, status);
    }
  }

  /** The server being built has a {@code rate_limit_status} of its own: the agent leaves it alone. */
  public static void serverHasOwnStatusTool() {
    ownStatusTool = true;
    AgentLog.warning("the server has its own " + StatusTool.NAME + " tool; the agent's is not added");
  }

  /**
   * A handler for the {@code rate_limit_status} spec the agent adds to a server. The dispatch
   * advice answers that tool before the SDK looks it up, so this runs only if something bypasses
   * the dispatch; it then fails loudly rather than answer wrongly.
   */
  public static BiFunction<Object, Object, Object> statusToolHandler() {
    return (exchange, request) -> {
      throw new IllegalStateException(StatusTool.NAME + " is answered by mcp-ratelimit-agent at dispatch");
    };
  }

  // ---- sync tool handlers, which the SDK runs on a worker thread ----

  public static void bindToolRequest(Object request) {
    CallContext.bind(request);
  }

  public static void toolHandlerStarted(Object request) {
    CallContext.toolStarted(request);
  }

  public static void toolHandlerEnded() {
    CallContext.toolEnded();
  }

  // ---- configured plain methods ----

  /**
   * Charges one call of a configured method: inside an MCP call to that call's caller, which
   * already paid its tier bucket, so only the method's own buckets apply; outside any call to the
   * anonymous caller, like a tool call.
   *
   * @throws RateLimitExceededException if the limits in force reject it
   */
  public static void beforeLimitedMethod(Class<?> type, String method) {
    AgentRuntime runtime = AgentRuntime.current();
    if (runtime == null) {
      return;
    }
    Rejection rejection;
    try {
      Settings settings = runtime.settings();
      String name = settings == null ? null : settings.methodNames().get(type.getName() + "#" + method);
      if (name == null) {
        return;
      }
      ResolvedCaller caller = CallContext.currentCaller();
      RateLimiter limiter = runtime.limiter();
      ResolvedCaller anonymous = settings.config().identity().anonymous();
      Decision decision = caller != null
          ? limiter.decideWithinCall(caller.id(), caller.tier(), name)
          : limiter.decide(anonymous.id(), anonymous.tier(), name);
      runtime.observe(decision);
      rejection = decision.outcome() == Outcome.REJECTED ? Rejection.of(decision) : null;
    } catch (Throwable e) {
      runtime.errors().record("limited method", e);
      return;
    }
    if (rejection != null) {
      throw new RateLimitExceededException(rejection);
    }
  }

  /** The rejection a limited method threw, anywhere in {@code thrown}'s causes, or {@code null}. */
  public static Rejection rejectionOf(Throwable thrown) {
    for (Throwable t = thrown; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof RateLimitExceededException limited) {
        return limited.rejection();
      }
    }
    return null;
  }

  /** The tool name in a {@code tools/call}'s params, whether still a map or already the SDK's record. */
  static String toolName(Object params) throws ReflectiveOperationException {
    if (params instanceof Map<?, ?> map) {
      return map.get("name") instanceof String name ? name : null;
    }
    if (params != null && params.getClass().isRecord()) {
      Method name = params.getClass().getMethod("name");
      return name.invoke(params) instanceof String value ? value : null;
    }
    return null;
  }
}
