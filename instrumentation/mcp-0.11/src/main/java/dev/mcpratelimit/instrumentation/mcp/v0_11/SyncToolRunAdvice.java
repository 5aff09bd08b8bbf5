package dev.mcpratelimit.instrumentation.mcp.v0_11;

import dev.mcpratelimit.gate.Gate;
import dev.mcpratelimit.mcp.Rejection;
import io.modelcontextprotocol.spec.McpError;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * Inlined into the body that runs a sync tool handler on the worker thread: makes the call's
 * caller current there (for limited methods), and turns a limited method's rejection into the
 * rate-limit JSON-RPC error.
 */
public final class SyncToolRunAdvice {

  private SyncToolRunAdvice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  public static void enter(@Advice.Argument(2) Object request) {
    Gate.toolHandlerStarted(request);
  }

  @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
  public static void exit(@Advice.Thrown(readOnly = false, typing = Assigner.Typing.DYNAMIC) Throwable thrown) {
    Gate.toolHandlerEnded();
    Rejection rejection = Gate.rejectionOf(thrown);
    if (rejection != null) {
      thrown = McpError.builder(rejection.code()).message(rejection.message()).data(rejection.data()).build();
    }
  }
}
