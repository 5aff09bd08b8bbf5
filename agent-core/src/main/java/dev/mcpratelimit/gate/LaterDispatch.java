package dev.mcpratelimit.gate;

import dev.mcpratelimit.runtime.AgentRuntime;
import dev.mcpratelimit.runtime.CallContext;
import dev.mcpratelimit.runtime.ToolCallVerdict;
import java.lang.invoke.MethodHandle;

/**
 * A {@code tools/call} dispatch that was not decided on its event loop, because the decision
 * would have waited for Redis there: decided later on a worker ({@link #decide}), then run again
 * under that verdict ({@link #resume}). The dispatch run again passes the same advice, which
 * follows the verdict instead of deciding a second time, so the call is charged once.
 */
final class LaterDispatch {

  private final Object params;
  private final Iterable<?> tools;
  private final MethodHandle dispatch;
  private final Object server;
  private final Object first;

  LaterDispatch(Object params, Iterable<?> tools, MethodHandle dispatch, Object server, Object first) {
    this.params = params;
    this.tools = tools;
    this.dispatch = dispatch;
    this.server = server;
    this.first = first;
  }

  ToolCallVerdict.Later later() {
    return new ToolCallVerdict.Later(this::decide, this::resume);
  }

  /** On a worker that may block: the verdict, never {@code null}; an internal error lets the call run. */
  private Object decide() {
    AgentRuntime runtime = AgentRuntime.current();
    if (runtime == null) {
      return ToolCallVerdict.Proceed.UNLIMITED;
    }
    try {
      return Gate.decide(params, tools, runtime);
    } catch (Throwable e) {
      runtime.errors().record("tools/call", e);
      return ToolCallVerdict.Proceed.UNLIMITED;
    }
  }

  /** The dispatch run again, following {@code verdict}: what it returns (the SDK's {@code Mono}). */
  private Object resume(Object verdict) {
    CallContext.decided((ToolCallVerdict) verdict);
    try {
      return dispatch.invoke(server, first, params);
    } catch (Throwable e) {
      throw LaterDispatch.<RuntimeException>unchecked(e);
    } finally {
      CallContext.decided(null);
    }
  }

  /** Rethrows what the dispatch threw as it is, for Reactor to turn into the Mono's error. */
  @SuppressWarnings("unchecked")
  private static <T extends Throwable> T unchecked(Throwable e) throws T {
    throw (T) e;
  }
}
