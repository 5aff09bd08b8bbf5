package dev.mcpratelimit.instrumentation.spring.webmvc;

import dev.mcpratelimit.gate.Gate;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.function.EntityResponse;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * The exit of a Spring WebMVC transport's handler that dispatches before it returns (SSE
 * {@code handleMessage}, stateless {@code handlePost}; its enter is {@link WebMvcRequestAdvice}'s):
 * the {@code ServerResponse} it returns would set status 200 when written, so a rejected call's
 * response is rebuilt with the rejection's status (its rate-limit headers are on the servlet
 * response already).
 */
public final class WebMvcStatusAdvice {

  private WebMvcStatusAdvice() {}

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
