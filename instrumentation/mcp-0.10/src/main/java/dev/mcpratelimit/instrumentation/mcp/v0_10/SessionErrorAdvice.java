package dev.mcpratelimit.instrumentation.mcp.v0_10;

import dev.mcpratelimit.gate.Gate;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;
import reactor.core.publisher.Mono;

/**
 * Inlined where the sessions of SDK 0.10 to 0.13 answer a failed request, which they do with
 * -32603 and the message only: for the agent's own errors (never the server's), the answer keeps
 * the error's code and data, as from 0.14 on.
 */
public final class SessionErrorAdvice {

  private SessionErrorAdvice() {}

  @Advice.OnMethodExit(suppress = Throwable.class)
  public static void exit(@Advice.Argument(0) McpSchema.JSONRPCRequest request, @Advice.Argument(1) Throwable error,
      @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object returned) {
    if (error instanceof McpError mcpError && mcpError.getJsonRpcError() != null
        && Gate.isRejection(mcpError.getJsonRpcError().data())) {
      returned = Mono.just(new McpSchema.JSONRPCResponse("2.0", request.id(), null, mcpError.getJsonRpcError()));
    }
  }
}
