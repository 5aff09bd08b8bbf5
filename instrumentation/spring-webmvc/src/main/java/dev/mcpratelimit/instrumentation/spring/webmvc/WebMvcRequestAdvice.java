package dev.mcpratelimit.instrumentation.spring.webmvc;

import dev.mcpratelimit.gate.Gate;
import jakarta.servlet.http.HttpServletRequest;
import net.bytebuddy.asm.Advice;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * Inlined where a Spring WebMVC transport dispatches a request on the request thread (its SSE
 * and stateless handlers, the streamable transport's SSE body written after its handler returned):
 * tells the gate who sent the request and where its response goes, from the servlet request Spring's DispatcherServlet
 * keeps for the thread. The response is not committed yet, so headers and a 429 still go out.
 */
public final class WebMvcRequestAdvice {

  private WebMvcRequestAdvice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  public static void enter() {
    if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes) {
      HttpServletRequest request = attributes.getRequest();
      Gate.httpRequestStarted(request.getHeader(Gate.identityHeader()), request.getRemoteAddr(),
          Gate.readsForwardedFor() ? request.getHeaders("X-Forwarded-For") : null, attributes.getResponse());
    }
  }

  @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
  public static void exit() {
    Gate.httpRequestEnded();
  }
}
