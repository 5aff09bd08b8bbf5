package dev.mcpratelimit.instrumentation.webflux;

import dev.mcpratelimit.gate.Gate;
import java.util.Collections;
import net.bytebuddy.asm.Advice;
import org.springframework.web.reactive.function.server.ServerRequest;

/**
 * Inlined into the WebFlux transports' POST handlers ({@code handlePost}, SSE {@code handleMessage}),
 * which run on the Netty thread when the request arrives and only assemble what runs later: binds
 * the request (who sent it, and its {@code ServerHttpResponse}) to the thread for the handler's own
 * frame, where {@link BodyMapperBinding} captures it for the body's mapper. Reads headers only.
 */
public final class HandlerAdvice {

  private HandlerAdvice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  public static void enter(@Advice.Argument(0) ServerRequest request) {
    Gate.httpRequestStarted(request.headers().firstHeader(Gate.identityHeader()),
        Gate.peerOf(request.remoteAddress().orElse(null)),
        Gate.readsForwardedFor() ? Collections.enumeration(request.headers().header("X-Forwarded-For")) : null,
        request.exchange().getResponse());
  }

  @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
  public static void exit() {
    Gate.httpRequestEnded();
  }
}
