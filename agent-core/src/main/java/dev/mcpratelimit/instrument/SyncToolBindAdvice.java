package dev.mcpratelimit.instrument;

import dev.mcpratelimit.gate.Gate;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into the SDK's async wrapper of a sync tool handler, which runs on the dispatch thread:
 * binds the caller to the request so the worker thread that runs the handler can find it.
 */
public final class SyncToolBindAdvice {

  private SyncToolBindAdvice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  public static void enter(@Advice.Argument(3) Object request) {
    Gate.bindToolRequest(request);
  }
}
