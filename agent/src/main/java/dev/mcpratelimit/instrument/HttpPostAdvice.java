package dev.mcpratelimit.instrument;

import dev.mcpratelimit.gate.Gate;
import jakarta.servlet.http.HttpServletRequest;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into the SDK's servlet transports' {@code doPost}: tells the gate who sent the request.
 * The dispatch runs on this thread before {@code doPost} returns.
 */
public final class HttpPostAdvice {

  private HttpPostAdvice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  public static void enter(@Advice.Argument(0) HttpServletRequest request) {
    Gate.httpRequestStarted(request.getHeader(Gate.identityHeader()), request.getRemoteAddr());
  }

  @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
  public static void exit() {
    Gate.httpRequestEnded();
  }
}
