package dev.mcpratelimit.gate;

import dev.mcpratelimit.identity.IdentitySettings;
import dev.mcpratelimit.mcp.Rejection;
import dev.mcpratelimit.mcp.StatusTool;
import dev.mcpratelimit.runtime.AgentRuntime;
import dev.mcpratelimit.runtime.CallContext;
import dev.mcpratelimit.runtime.RateLimitExceededException;
import dev.mcpratelimit.runtime.ToolCallVerdict;
import dev.mcpratelimit.runtime.ToolCallVerdict.Proceed;
import dev.mcpratelimit.runtime.ToolCallVerdict.Reject;
import java.lang.invoke.MethodHandle;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.util.Enumeration;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * What the advice calls: static entry points that take and return JDK or agent types only (the
 * advice is inlined into SDK classes), convert what the SDK handed over into plain values, and
 * delegate to the runtime. They never throw, except to reject a limited method deliberately, and
 * let a call through when anything inside the agent fails.
 */
public final class Gate {

  private Gate() {}

  // ---- HTTP transports (servlet doPost) ----

  /** The header that carries API keys, for the HTTP advice to read. */
  public static String identityHeader() {
    AgentRuntime runtime = AgentRuntime.current();
    return runtime == null ? IdentitySettings.DEFAULT_HEADER : runtime.identityHeader();
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

  /**
   * The TCP peer of a request whose transport gives a socket address (Netty): its IP literal, as a
   * servlet's {@code getRemoteAddr()} gives it, or the host string if it was never resolved.
   */
  public static String peerOf(InetSocketAddress remote) {
    if (remote == null) {
      return null;
    }
    return remote.getAddress() != null ? remote.getAddress().getHostAddress() : remote.getHostString();
  }

  /** Whether {@code X-Forwarded-For} can matter (trusted proxies are configured): else it is not read. */
  public static boolean readsForwardedFor() {
    AgentRuntime runtime = AgentRuntime.current();
    return runtime != null && runtime.trustsProxies();
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

  /** The status a rejection gave the current HTTP request's response, or 0 if none did. */
  public static int rejectionStatus() {
    return CallContext.statusOr(0);
  }

  public static void httpRequestEnded() {
    CallContext.httpEnded();
  }

  // ---- reactive HTTP transports (Spring WebFlux) ----

  /**
   * Wraps the function a reactive transport's handler maps the request body with, so that the
   * HTTP request the handler serves (bound on entry with {@link #httpRequestStarted}) is bound
   * again while the body is parsed, later and perhaps on another thread. Nothing waits: the
   * function runs when and where it would have, with the request bound around it.
   */
  public static Function<Object, Object> bindingHttp(Function<Object, Object> mapper) {
    CallContext.Http http = CallContext.http();
    if (http == null || mapper == null) {
      return mapper;
    }
    return body -> {
      CallContext.Http before = CallContext.bindHttp(http);
      try {
        return mapper.apply(body);
      } finally {
        CallContext.bindHttp(before);
      }
    };
  }

  /**
   * A {@code tools/call} was parsed: if an HTTP request is bound, its dispatch will find that
   * request by these params, wherever it runs.
   */
  public static void toolCallParsed(Object params) {
    try {
      // Only a reactive transport needs the tie; a servlet request is on the dispatch's thread anyway.
      if (ReactiveResponses.handles(CallContext.httpResponse())) {
        CallContext.parsed(params);
      }
    } catch (Throwable e) {
      AgentRuntime runtime = AgentRuntime.current();
      if (runtime != null) {
        runtime.errors().record("HTTP request", e);
      }
    }
  }

  /**
   * Stands in for the stateless transport's own {@code response.setStatus(status)}, which runs
   * after the dispatch and would overwrite a rejection's status.
   */
  public static void setStatus(Object response, int status) {
    try {
      ServletResponses.setStatus(response, CallContext.statusOr(status));
    } catch (Throwable e) {
      AgentRuntime runtime = AgentRuntime.current();
      if (runtime != null) {
        runtime.errors().record("HTTP status", e);
      }
    }
  }

  // ---- tools/call dispatch ----

  /**
   * Decides a {@code tools/call} before the SDK looks the tool up, and sets the HTTP response's
   * headers and status. On a thread that must not wait for the decision (an event loop, with the
   * Redis store) it answers {@link ToolCallVerdict.Later} instead: the advice then decides on a
   * worker and runs the dispatch again through {@code dispatch}, which follows that verdict.
   *
   * @param params the request's params: a map with {@code name}, or the SDK's request record
   * @param tools the server's tool specifications (its {@code tools} field)
   * @param dispatch the instrumented dispatch method itself, unbound: {@code (server, first, params)}
   * @param server the server whose dispatch this is
   * @param first the dispatch's first argument (the exchange, or the transport context)
   * @return {@code null} to let the call run, else what to answer instead
   */
  public static ToolCallVerdict.Instead beforeToolCall(Object params, Iterable<?> tools, MethodHandle dispatch,
      Object server, Object first) {
    AgentRuntime runtime = AgentRuntime.current();
    if (runtime == null) {
      return null;
    }
    try {
      ToolCallVerdict verdict = CallContext.takeDecided();
      if (verdict == null) {
        if (runtime.decisionWouldBlock()) {
          return new LaterDispatch(params, tools, dispatch, server, first).later();
        }
        verdict = decide(params, tools, runtime);
      }
      if (verdict instanceof Proceed proceed) {
        if (proceed.caller() != null) {
          CallContext.dispatchStarted(proceed.caller());
        }
        return null;
      }
      return (ToolCallVerdict.Instead) verdict;
    } catch (Throwable e) {
      runtime.errors().record("tools/call", e);
      return null;
    }
  }

  /** The verdict on a {@code tools/call}, with the HTTP response's headers and status set. */
  static ToolCallVerdict decide(Object params, Iterable<?> tools, AgentRuntime runtime)
      throws ReflectiveOperationException {
    CallContext.Http http = CallContext.httpFor(params);
    String name = toolName(params);
    ToolCallVerdict verdict = runtime.toolCalls().check(name, name != null && serverHas(tools, name, runtime),
        http == null ? null : http.origin());
    if (http != null) {
      respond(http.response(), verdict, runtime);
    }
    return verdict;
  }

  /** Whether the server has the tool; if its list cannot be read, the name is believed (and bounded). */
  private static boolean serverHas(Iterable<?> tools, String name, AgentRuntime runtime) {
    try {
      return ServerTools.contains(tools, name);
    } catch (Throwable e) {
      runtime.errors().record("server tool list", e);
      return true;
    }
  }

  public static void afterToolCall() {
    CallContext.dispatchEnded();
  }

  /** The decision to chain onto a worker, if that is the verdict ({@link ToolCallVerdict.Later}); else {@code null}. */
  public static ToolCallVerdict.Later later(ToolCallVerdict.Instead instead) {
    return instead instanceof ToolCallVerdict.Later later ? later : null;
  }

  /** The {@code rate_limit_status} report to answer with, if that is the verdict; else {@code null}. */
  public static StatusTool.Report statusReport(ToolCallVerdict.Instead instead) {
    return instead instanceof ToolCallVerdict.Answer answer ? answer.report() : null;
  }

  /**
   * The rejection to answer a dispatch with: the call itself was refused, or a limited method
   * refused it while the dispatch assembled it ({@code thrown}); else {@code null}.
   */
  public static Rejection rejection(ToolCallVerdict.Instead instead, Throwable thrown) {
    return instead instanceof Reject reject ? reject.rejection() : rejectionOf(thrown);
  }

  /**
   * Whether a JSON-RPC error's data is a rejection of the agent's: the sessions of SDK 0.10 to 0.13
   * turn every error into -32603, and the advice restores only the agent's own.
   */
  public static boolean isRejection(Object data) {
    return Rejection.isData(data);
  }

  /** Headers and status on the response; a failure there never changes the verdict itself. */
  private static void respond(Object response, ToolCallVerdict verdict, AgentRuntime runtime) {
    try {
      if (ReactiveResponses.handles(response)) {
        verdict.headers().writeTo((name, value) -> ReactiveResponses.addHeader(response, name, value));
        if (verdict instanceof Reject reject && reject.httpStatus() != 200) {
          ReactiveResponses.setStatus(response, reject.httpStatus());
        }
        return;
      }
      ServletResponses.addHeaders(response, verdict.headers());
      if (verdict instanceof Reject reject && reject.httpStatus() != 200) {
        CallContext.respondedWith(reject.httpStatus());
        ServletResponses.setStatus(response, reject.httpStatus());
      }
    } catch (Throwable e) {
      runtime.errors().record("HTTP headers and status", e);
    }
  }

  /**
   * Whether the agent adds its {@code rate_limit_status} to a server being built with these tool
   * specifications: not if the server has one of its own, which the agent then leaves alone.
   */
  public static boolean addsStatusTool(Iterable<?> tools) {
    AgentRuntime runtime = AgentRuntime.current();
    if (runtime == null) {
      return false;
    }
    try {
      if (ServerTools.contains(tools, StatusTool.NAME)) {
        runtime.toolCalls().serverHasOwnStatusTool();
        return false;
      }
      return true;
    } catch (Throwable e) {
      runtime.errors().record("status tool", e);
      return false;
    }
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

  /** Only limited methods need the caller on the worker thread; without any, binding costs for nothing. */
  public static void bindToolRequest(Object request) {
    AgentRuntime runtime = AgentRuntime.current();
    if (runtime != null && runtime.methodCalls().anyConfigured()) {
      CallContext.bind(request);
    }
  }

  public static void toolHandlerStarted(Object request) {
    CallContext.toolStarted(request);
  }

  public static void toolHandlerEnded() {
    CallContext.toolEnded();
  }

  // ---- configured plain methods ----

  /**
   * Charges one call of a configured method.
   *
   * @param target the method's {@code Class#method}, a constant where it is woven
   * @throws RateLimitExceededException if the limits in force reject it
   */
  public static void beforeLimitedMethod(String target) {
    AgentRuntime runtime = AgentRuntime.current();
    if (runtime == null) {
      return;
    }
    Rejection rejection = runtime.methodCalls().check(target, CallContext.currentCaller());
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
