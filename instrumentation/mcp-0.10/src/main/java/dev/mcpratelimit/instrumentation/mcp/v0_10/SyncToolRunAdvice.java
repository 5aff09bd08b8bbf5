package dev.mcpratelimit.instrumentation.mcp.v0_10;

import dev.mcpratelimit.gate.Gate;
import dev.mcpratelimit.mcp.Rejection;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * Inlined into the body that runs a sync tool handler on the worker thread (SDK 0.10): makes the
 * call's caller current there, and turns a limited method's rejection into the rate-limit error.
 */
public final class SyncToolRunAdvice {

  private SyncToolRunAdvice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  public static void enter(@Advice.Argument(2) Object arguments) {
    Gate.toolHandlerStarted(arguments);
  }

  @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
  public static void exit(@Advice.Thrown(readOnly = false, typing = Assigner.Typing.DYNAMIC) Throwable thrown) {
    Gate.toolHandlerEnded();
    Rejection rejection = Gate.rejectionOf(thrown);
    if (rejection != null) {
      thrown = new McpError(new McpSchema.JSONRPCResponse.JSONRPCError(rejection.code(), rejection.message(), rejection.data()));
    }
  }
}
