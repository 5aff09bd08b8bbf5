package dev.mcpratelimit.instrumentation.mcp.v0_10;

import dev.mcpratelimit.gate.Gate;
import net.bytebuddy.asm.Advice;

/**
 * The dispatch-thread wrapper of a sync tool in SDK 0.10 takes three arguments, the arguments map
 * last: binds the caller to that map for the worker thread (see the agent's own SyncToolBindAdvice).
 */
public final class SyncToolBindAdvice {

  private SyncToolBindAdvice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  public static void enter(@Advice.Argument(2) Object arguments) {
    Gate.bindToolRequest(arguments);
  }
}
