package dev.mcpratelimit.instrumentation.mcp.v0_10;

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
 * The exit half of the {@code tools/call} dispatch advice of SDK 0.10 (see the 0.14 one): no builders for errors,
 * and a result has no structured content yet, so the status report is its JSON, then its summary.
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
      returned = Mono.just(McpSchema.CallToolResult.builder().addTextContent(report.json()).addTextContent(report.text())
          .isError(false).build());
      return;
    }
    Rejection rejection = Gate.rejection(instead, thrown);
    if (rejection != null) {
      returned = Mono.error(new McpError(new McpSchema.JSONRPCResponse.JSONRPCError(rejection.code(),
          rejection.message(), rejection.data())));
      thrown = null;
    }
  }
}
