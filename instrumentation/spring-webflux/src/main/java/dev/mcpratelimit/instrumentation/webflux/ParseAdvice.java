package dev.mcpratelimit.instrumentation.webflux;

import dev.mcpratelimit.gate.Gate;
import io.modelcontextprotocol.spec.McpSchema;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into {@code McpSchema.deserializeJsonRpcMessage}: a {@code tools/call} parsed while a
 * WebFlux request is bound is tied to that request by its params, which the dispatch receives.
 */
public final class ParseAdvice {

  private ParseAdvice() {}

  @Advice.OnMethodExit(suppress = Throwable.class)
  public static void exit(@Advice.Return Object message) {
    if (message instanceof McpSchema.JSONRPCRequest request && "tools/call".equals(request.method())) {
      Gate.toolCallParsed(request.params());
    }
  }
}
