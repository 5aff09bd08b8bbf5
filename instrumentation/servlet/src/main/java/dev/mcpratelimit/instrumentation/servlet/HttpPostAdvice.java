package dev.mcpratelimit.instrumentation.servlet;

import dev.mcpratelimit.gate.Gate;
import jakarta.servlet.http.HttpServletRequest;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into the SDK's servlet transports' {@code doPost}: tells the gate who sent the request
 * and where its response goes. The dispatch runs on this thread before {@code doPost} returns.
 */
public final class HttpPostAdvice {

  private HttpPostAdvice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  public static void enter(@Advice.Argument(0) HttpServletRequest request, @Advice.Argument(1) Object response) {
    Gate.httpRequestStarted(request.getHeader(Gate.identityHeader()), request.getRemoteAddr(),
        Gate.readsForwardedFor() ? request.getHeaders("X-Forwarded-For") : null, response);
  }

  @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
  public static void exit() {
    Gate.httpRequestEnded();
  }
}
