package dev.mcpratelimit.gate;

import dev.mcpratelimit.core.Decision;
import dev.mcpratelimit.core.Outcome;
import dev.mcpratelimit.gate.AgentRuntime.Settings;
import dev.mcpratelimit.gate.CallContext.HttpRequest;
import dev.mcpratelimit.identity.CallerResolver;
import dev.mcpratelimit.identity.ResolvedCaller;
import dev.mcpratelimit.mcp.Rejection;
import java.lang.reflect.Method;
import java.util.Map;

/**
 * What the advice calls. Every entry point takes and returns JDK or agent types only (the advice
 * is inlined into SDK classes and converts), never throws except to reject a limited method
 * deliberately, and lets a call through when anything inside the agent fails.
 */
public final class Gate {

  private static final String DEFAULT_HEADER = "X-API-Key";

  private Gate() {}

  // ---- HTTP transports (servlet doPost) ----

  /** The header that carries API keys, for the HTTP advice to read. */
  public static String identityHeader() {
    AgentRuntime runtime = AgentRuntime.current();
    Settings settings = runtime == null ? null : runtime.settings();
    return settings == null ? DEFAULT_HEADER : settings.config().identityHeader();
  }

  public static void httpRequestStarted(String credential, String remoteAddress) {
    CallContext.httpStarted(credential, remoteAddress);
  }

  public static void httpRequestEnded() {
    CallContext.httpEnded();
  }

  // ---- tools/call dispatch ----

  /**
   * Decides a {@code tools/call} before the SDK looks the tool up.
   *
   * @param params the request's params: a map with {@code name}, or the SDK's request record
   * @return {@code null} to let the call run, or the error to answer with instead
   */
  public static Rejection beforeToolCall(Object params) {
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
      ResolvedCaller caller = callerOfThisRequest(settings.resolver());
      CallContext.dispatchStarted(caller);
      return enforce(runtime.limiter().decide(caller.id(), caller.tier(), tool));
    } catch (Throwable e) {
      runtime.errors().record("tools/call", e);
      return null;
    }
  }

  public static void afterToolCall() {
    CallContext.dispatchEnded();
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
      Decision decision = caller != null
          ? runtime.limiter().decideWithinCall(caller.id(), caller.tier(), name)
          : runtime.limiter().decide(CallerResolver.ANONYMOUS, settings.config().policy().defaultTier(), name);
      rejection = enforce(decision);
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

  // ---- below the advice ----

  private static ResolvedCaller callerOfThisRequest(CallerResolver resolver) {
    HttpRequest http = CallContext.http();
    return http == null ? resolver.local() : resolver.http(http.credential(), http.remoteAddress());
  }

  private static Rejection enforce(Decision decision) {
    if (decision.outcome() == Outcome.REJECTED) {
      return Rejection.of(decision);
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
