package dev.mcpratelimit.instrumentation.spring.webmvc;

import dev.mcpratelimit.gate.Gate;
import jakarta.servlet.http.HttpServletRequest;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;
import org.springframework.http.MediaType;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;
import org.springframework.web.servlet.function.EntityResponse;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * Inlined into a Spring WebMVC transport's handler that dispatches before it returns (SSE
 * {@code handleMessage}, stateless {@code handlePost}): as {@link WebMvcRequestAdvice}, and since
 * the {@code ServerResponse} it returns would set status 200 when written, a rejected call's
 * response is rebuilt with the rejection's status (its rate-limit headers are on the servlet
 * response already).
 */
public final class WebMvcHandlerAdvice {

  private WebMvcHandlerAdvice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  public static void enter() {
    if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes) {
      HttpServletRequest request = attributes.getRequest();
      Gate.httpRequestStarted(request.getHeader(Gate.identityHeader()), request.getRemoteAddr(),
          Gate.readsForwardedFor() ? request.getHeaders("X-Forwarded-For") : null, attributes.getResponse());
    }
  }

  @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
  public static void exit(@Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) ServerResponse returned) {
    int status = Gate.rejectionStatus();
    Gate.httpRequestEnded();
    if (status != 0 && returned != null) {
      returned = returned instanceof EntityResponse<?> entity
          ? EntityResponse.fromObject(entity.entity()).status(status).contentType(MediaType.APPLICATION_JSON).build()
          : ServerResponse.status(status).build();
    }
  }
}
