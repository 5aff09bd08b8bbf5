package dev.mcpratelimit.runtime;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.mcpratelimit.identity.ResolvedCaller;

/**
 * What the agent knows about the call in progress on each thread.
 *
 * <p>An HTTP request is seen on the servlet thread; the tool-call dispatch runs on that same
 * thread, so it finds the request there. Sync tool handlers run on a worker thread, so the caller
 * is bound to the SDK's request object on the dispatch thread and picked up by the worker. That
 * binding is by identity (two identical calls from different callers are equal records) and weak,
 * so a call that never runs leaves nothing behind.
 */
public final class CallContext {

  /**
   * An HTTP request being served, with its response (an {@code HttpServletResponse}, typed
   * {@code Object}: the agent does not link the servlet API).
   */
  public static final class HttpRequest {
    public final HttpOrigin origin;
    public final Object response;
    /** A status the agent chose for this response (0: none), which the transport must not overwrite. */
    public int status;

    HttpRequest(HttpOrigin origin, Object response) {
      this.origin = origin;
      this.response = response;
    }
  }

  private static final ThreadLocal<HttpRequest> HTTP = new ThreadLocal<>();
  private static final ThreadLocal<ResolvedCaller> DISPATCHING = new ThreadLocal<>();
  private static final ThreadLocal<ResolvedCaller> IN_TOOL = new ThreadLocal<>();
  private static final Cache<Object, ResolvedCaller> BY_REQUEST = Caffeine.newBuilder().weakKeys().build();

  private CallContext() {}

  public static void httpStarted(HttpOrigin origin, Object response) {
    HTTP.set(new HttpRequest(origin, response));
  }

  public static void httpEnded() {
    HTTP.remove();
  }

  /** The HTTP request this thread is serving, or {@code null} (stdio, or no request at all). */
  public static HttpRequest http() {
    return HTTP.get();
  }

  public static void dispatchStarted(ResolvedCaller caller) {
    DISPATCHING.set(caller);
  }

  public static void dispatchEnded() {
    DISPATCHING.remove();
  }

  /** On the dispatch thread: remembers the caller for the worker that will run {@code request}. */
  public static void bind(Object request) {
    ResolvedCaller caller = DISPATCHING.get();
    if (caller != null && request != null) {
      BY_REQUEST.put(request, caller);
    }
  }

  /** On the worker thread, before the tool handler runs. */
  public static void toolStarted(Object request) {
    ResolvedCaller caller = request == null ? null : BY_REQUEST.asMap().remove(request);
    if (caller != null) {
      IN_TOOL.set(caller);
    }
  }

  public static void toolEnded() {
    IN_TOOL.remove();
  }

  /** The caller of the MCP call this thread works for, or {@code null} outside any call. */
  public static ResolvedCaller currentCaller() {
    ResolvedCaller inTool = IN_TOOL.get();
    return inTool != null ? inTool : DISPATCHING.get();
  }
}
