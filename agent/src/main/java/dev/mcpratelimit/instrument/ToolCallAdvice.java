package dev.mcpratelimit.instrument;

import dev.mcpratelimit.gate.Gate;
import dev.mcpratelimit.mcp.Rejection;
import io.modelcontextprotocol.spec.McpError;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;
import reactor.core.publisher.Mono;

/**
 * Inlined into the SDK's {@code tools/call} dispatch ({@code McpAsyncServer} and
 * {@code McpStatelessAsyncServer}): asks the gate first and, on a rejection, answers with the
 * JSON-RPC error instead of running the tool.
 */
public final class ToolCallAdvice {

  private ToolCallAdvice() {}

  @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class, suppress = Throwable.class)
  public static Rejection enter(@Advice.Argument(1) Object params) {
    return Gate.beforeToolCall(params);
  }

  @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
  public static void exit(
      @Advice.Enter Rejection rejected,
      @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object returned,
      @Advice.Thrown(readOnly = false, typing = Assigner.Typing.DYNAMIC) Throwable thrown) {
    Gate.afterToolCall();
    // Either the call itself was rejected, or a limited method rejected it while it was assembled.
    Rejection rejection = rejected != null ? rejected : Gate.rejectionOf(thrown);
    if (rejection != null) {
      returned = Mono.error(McpError.builder(rejection.code()).message(rejection.message()).data(rejection.data()).build());
      thrown = null;
    }
  }
}
