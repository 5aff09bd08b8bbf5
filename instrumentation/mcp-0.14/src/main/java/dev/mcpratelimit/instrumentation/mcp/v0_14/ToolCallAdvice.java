package dev.mcpratelimit.instrumentation.mcp.v0_14;

import dev.mcpratelimit.gate.Gate;
import dev.mcpratelimit.mcp.Rejection;
import dev.mcpratelimit.mcp.StatusTool;
import dev.mcpratelimit.runtime.ToolCallVerdict;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.function.Function;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The exit half of the {@code tools/call} dispatch advice of {@code McpAsyncServer} and
 * {@code McpStatelessAsyncServer} (SDK 0.14 to 2.x; the enter half, {@code ToolCallEnterAdvice},
 * asks the gate): when the gate said to answer instead, answers with the rate-limit error or the
 * status report, built with this range's API.
 */
public final class ToolCallAdvice {

  private ToolCallAdvice() {}

  @SuppressWarnings({"unchecked", "rawtypes"})
  @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
  public static void exit(
      @Advice.Enter ToolCallVerdict.Instead instead,
      @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object returned,
      @Advice.Thrown(readOnly = false, typing = Assigner.Typing.DYNAMIC) Throwable thrown) {
    Gate.afterToolCall();
    ToolCallVerdict.Later later = Gate.later(instead);
    if (later != null) {
      // Decided on a worker that may wait for Redis, never on this event loop; then run again.
      returned = Mono.fromCallable(later.decide()).subscribeOn(Schedulers.boundedElastic())
          .flatMap((Function) later.resume());
      return;
    }
    StatusTool.Report report = Gate.statusReport(instead);
    if (report != null) {
      returned = Mono.just(McpSchema.CallToolResult.builder().structuredContent(report.structured())
          .addTextContent(report.text()).isError(false).build());
      return;
    }
    Rejection rejection = Gate.rejection(instead, thrown);
    if (rejection != null) {
      returned = Mono.error(McpError.builder(rejection.code()).message(rejection.message()).data(rejection.data()).build());
      thrown = null;
    }
  }
}
