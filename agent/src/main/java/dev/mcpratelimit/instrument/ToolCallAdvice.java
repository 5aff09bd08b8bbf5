package dev.mcpratelimit.instrument;

import dev.mcpratelimit.gate.Gate;
import dev.mcpratelimit.mcp.Rejection;
import dev.mcpratelimit.mcp.StatusTool;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;
import reactor.core.publisher.Mono;

/**
 * Inlined into the SDK's {@code tools/call} dispatch ({@code McpAsyncServer} and
 * {@code McpStatelessAsyncServer}): asks the gate first and, when it answers, answers with that
 * instead of running the tool: the rate-limit error, or the {@code rate_limit_status} report.
 */
public final class ToolCallAdvice {

  private ToolCallAdvice() {}

  @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class, suppress = Throwable.class)
  public static Object enter(@Advice.Argument(1) Object params) {
    return Gate.beforeToolCall(params);
  }

  @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
  public static void exit(
      @Advice.Enter Object answer,
      @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object returned,
      @Advice.Thrown(readOnly = false, typing = Assigner.Typing.DYNAMIC) Throwable thrown) {
    Gate.afterToolCall();
    if (answer instanceof StatusTool.Report report) {
      returned = Mono.just(McpSchema.CallToolResult.builder()
          .structuredContent(report.structured()).addTextContent(report.text()).isError(false).build());
      return;
    }
    // Either the call itself was rejected, or a limited method rejected it while it was assembled.
    Rejection rejection = answer instanceof Rejection rejected ? rejected : Gate.rejectionOf(thrown);
    if (rejection != null) {
      returned = Mono.error(McpError.builder(rejection.code()).message(rejection.message()).data(rejection.data()).build());
      thrown = null;
    }
  }
}
