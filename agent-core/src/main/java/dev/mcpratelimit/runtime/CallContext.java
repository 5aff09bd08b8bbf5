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
 * <p>On reactive transports (Spring WebFlux on Netty) the dispatch runs later than the request's
 * handler, often on another stage or thread. There the transport binds the request to the thread
 * only while it parses the request's body ({@link #bindHttp}), and the parsed request's params are
 * tied to it ({@link #parsed}): the dispatch, which receives those very params, finds its HTTP
 * request by them ({@link #httpFor}), on whatever thread it runs. The tie is by identity, weak and
 * taken once.
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
    /** The verdict a dispatch run again on this thread follows ({@link ToolCallVerdict.Later}). */
    ToolCallVerdict decided;

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

  /** An HTTP request as a value, to carry it where the thread that received it is not. */
  public record Http(HttpOrigin origin, Object response) {}

  private static final ThreadLocal<Slot> SLOT = ThreadLocal.withInitial(Slot::new);
  // Maintenance on the calling thread: the default executor wakes a common-pool thread per write.
  private static final Cache<Object, ResolvedCaller> BY_REQUEST =
      Caffeine.newBuilder().weakKeys().executor(Runnable::run).build();

  private static final Cache<Object, Http> BY_PARAMS =
      Caffeine.newBuilder().weakKeys().executor(Runnable::run).build();

  /*
   * Whether anything was ever put in BY_REQUEST or BY_PARAMS: until then a call does not look at
   * them. Asking Caffeine even for its size touches the cache's own structures, which a call finds
   * cold. Set before the put, so whoever can find the entry sees it set.
   */
  private static volatile boolean requestsBound;
  private static volatile boolean paramsTied;

  private CallContext() {}

  /** The HTTP request this thread serves, as a value, or {@code null}. */
  public static Http http() {
    Slot slot = SLOT.get();
    return slot.http() ? new Http(new HttpOrigin(slot.credential, slot.peer, slot.forwardedFor), slot.response) : null;
  }

  /**
   * Makes {@code http} (or none) the request this thread serves, and returns the one it served
   * before, to be restored with the same method when the bound work ends.
   */
  public static Http bindHttp(Http http) {
    Http before = http();
    Slot slot = SLOT.get();
    if (http == null) {
      slot.serve(null, null, null, null);
    } else {
      slot.serve(http.origin().credential(), http.origin().peer(), http.origin().forwardedFor(), http.response());
    }
    return before;
  }

  /** A request's params were parsed on this thread: if it serves an HTTP request, they belong to it. */
  public static void parsed(Object params) {
    if (params != null && SLOT.get().http()) {
      paramsTied = true;
      BY_PARAMS.put(params, http());
    }
  }

  /**
   * The HTTP request a dispatch of {@code params} serves: the one this thread serves, else the one
   * the params were parsed for (taken: asked once), else {@code null}.
   */
  public static Http httpFor(Object params) {
    Http here = http();
    if (here != null) {
      // Only a reactive transport ties params (and its stateless dispatch may run bound too): a
      // servlet server pays no lookup.
      if (params != null && paramsTied) {
        BY_PARAMS.invalidate(params);
      }
      return here;
    }
    return params == null || !paramsTied ? null : BY_PARAMS.asMap().remove(params);
  }

  public static void httpStarted(String credential, String peer, String forwardedFor, Object response) {
    SLOT.get().serve(credential, peer, forwardedFor, response);
  }

  public static void httpEnded() {
    SLOT.get().serve(null, null, null, null);
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

  /**
   * The verdict the dispatch about to run on this thread follows instead of deciding again, or
   * with {@code null} none (see {@link ToolCallVerdict.Later}).
   */
  public static void decided(ToolCallVerdict verdict) {
    SLOT.get().decided = verdict;
  }

  /** The verdict set by {@link #decided} for this dispatch, taken (asked once), or {@code null}. */
  public static ToolCallVerdict takeDecided() {
    Slot slot = SLOT.get();
    ToolCallVerdict verdict = slot.decided;
    if (verdict != null) { // every call asks: it writes only when there is something to take
      slot.decided = null;
    }
    return verdict;
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
      requestsBound = true;
      BY_REQUEST.put(request, caller);
    }
  }

  /** On the worker thread, before the tool handler runs. */
  public static void toolStarted(Object request) {
    // Without limited methods nothing is bound (see Gate.bindToolRequest): no lookup, which would
    // allocate in Caffeine. A bind for this request happened before the worker got it, so it counts.
    ResolvedCaller caller = request == null || !requestsBound ? null : BY_REQUEST.asMap().remove(request);
    if (caller != null) {
      SLOT.get().inTool = caller;
    }
  }

  public static void toolEnded() {
    // Until a caller was ever bound no slot has one to clear, and the worker is spared a look at
    // its thread-local (the first of its call, often a cache miss).
    if (requestsBound) {
      SLOT.get().inTool = null;
    }
  }

  /** The caller of the MCP call this thread works for, or {@code null} outside any call. */
  public static ResolvedCaller currentCaller() {
    Slot slot = SLOT.get();
    return slot.inTool != null ? slot.inTool : slot.dispatching;
  }
}
