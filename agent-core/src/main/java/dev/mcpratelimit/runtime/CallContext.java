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
 *
 * <p>Each thread has one mutable slot whose fields are cleared, never removed: setting and
 * removing thread-locals on every request would allocate an entry each time.
 */
public final class CallContext {

  /** One thread's context. The response is an {@code HttpServletResponse}, typed {@code Object}. */
  private static final class Slot {
    String credential;
    String peer;
    String forwardedFor;
    Object response;
    /** A status the agent chose for this response (0: none), which the transport must not overwrite. */
    int status;
    ResolvedCaller dispatching;
    ResolvedCaller inTool;

    /** Starts serving an HTTP request, or with a {@code null} response ends it. */
    void serve(String credential, String peer, String forwardedFor, Object response) {
      this.credential = credential;
      this.peer = peer;
      this.forwardedFor = forwardedFor;
      this.response = response;
      this.status = 0;
    }

    boolean http() {
      return response != null;
    }
  }

  private static final ThreadLocal<Slot> SLOT = ThreadLocal.withInitial(Slot::new);
  // Maintenance on the calling thread: the default executor wakes a common-pool thread per write.
  private static final Cache<Object, ResolvedCaller> BY_REQUEST =
      Caffeine.newBuilder().weakKeys().executor(Runnable::run).build();

  private CallContext() {}

  public static void httpStarted(String credential, String peer, String forwardedFor, Object response) {
    SLOT.get().serve(credential, peer, forwardedFor, response);
  }

  public static void httpEnded() {
    SLOT.get().serve(null, null, null, null);
  }

  /** Where the HTTP request this thread serves came from, or {@code null} (stdio, or no request). */
  public static HttpOrigin httpOrigin() {
    Slot slot = SLOT.get();
    return slot.http() ? new HttpOrigin(slot.credential, slot.peer, slot.forwardedFor) : null;
  }

  /** The response of the HTTP request this thread serves, or {@code null}. */
  public static Object httpResponse() {
    return SLOT.get().response;
  }

  /** Remembers a status the agent set, so that the transport's own {@code setStatus} keeps it. */
  public static void respondedWith(int status) {
    SLOT.get().status = status;
  }

  /** The status the agent set on this thread's HTTP response, or {@code fallback} if none. */
  public static int statusOr(int fallback) {
    Slot slot = SLOT.get();
    return slot.http() && slot.status != 0 ? slot.status : fallback;
  }

  public static void dispatchStarted(ResolvedCaller caller) {
    SLOT.get().dispatching = caller;
  }

  public static void dispatchEnded() {
    SLOT.get().dispatching = null;
  }

  /** On the dispatch thread: remembers the caller for the worker that will run {@code request}. */
  public static void bind(Object request) {
    ResolvedCaller caller = SLOT.get().dispatching;
    if (caller != null && request != null) {
      BY_REQUEST.put(request, caller);
    }
  }

  /** On the worker thread, before the tool handler runs. */
  public static void toolStarted(Object request) {
    ResolvedCaller caller = request == null ? null : BY_REQUEST.asMap().remove(request);
    if (caller != null) {
      SLOT.get().inTool = caller;
    }
  }

  public static void toolEnded() {
    SLOT.get().inTool = null;
  }

  /** The caller of the MCP call this thread works for, or {@code null} outside any call. */
  public static ResolvedCaller currentCaller() {
    Slot slot = SLOT.get();
    return slot.inTool != null ? slot.inTool : slot.dispatching;
  }
}
