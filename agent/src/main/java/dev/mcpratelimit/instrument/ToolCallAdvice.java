package dev.mcpratelimit.instrument;

import dev.mcpratelimit.gate.Gate;
import dev.mcpratelimit.mcp.Rejection;
import dev.mcpratelimit.runtime.ToolCallVerdict;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;
import reactor.core.publisher.Mono;

/**
 * Inlined into the SDK's {@code tools/call} dispatch ({@code McpAsyncServer} and
 * {@code McpStatelessAsyncServer}): asks the gate first and, when it says to answer instead,
 * skips the dispatch and answers with the rate-limit error or the {@code rate_limit_status} report.
 */
public final class ToolCallAdvice {

  private ToolCallAdvice() {}

  @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class, suppress = Throwable.class)
  public static ToolCallVerdict.Instead enter(@Advice.Argument(1) Object params,
      @Advice.FieldValue("tools") Iterable<?> tools) {
    return Gate.beforeToolCall(params, tools);
  }

  @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
  public static void exit(
      @Advice.Enter ToolCallVerdict.Instead instead,
      @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object returned,
      @Advice.Thrown(readOnly = false, typing = Assigner.Typing.DYNAMIC) Throwable thrown) {
    Gate.afterToolCall();
    if (instead instanceof ToolCallVerdict.Answer answer) {
      returned = Mono.just(McpSchema.CallToolResult.builder().structuredContent(answer.report().structured())
          .addTextContent(answer.report().text()).isError(false).build());
      return;
    }
    // Either the call itself was refused, or a limited method refused it while it was assembled.
    Rejection rejection = instead instanceof ToolCallVerdict.Reject reject ? reject.rejection() : Gate.rejectionOf(thrown);
    if (rejection != null) {
      returned = Mono.error(McpError.builder(rejection.code()).message(rejection.message()).data(rejection.data()).build());
      thrown = null;
    }
  }
}
