package dev.mcpratelimit.gate;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.function.Supplier;

/**
 * Sets headers and status on the host's Spring {@code ServerHttpResponse} (WebFlux, Spring 6 and
 * 7) without the agent linking against Spring or Reactor, which the host loads where the agent
 * cannot see them: the methods are found once per response class, through that class's loader.
 *
 * <p>The status is set in a {@code beforeCommit} action, which runs when the response is
 * committed, after the transport's {@code ServerResponse} has set its own status (200): a status
 * set earlier would be overwritten. Headers are added at once; the transport's own headers have
 * other names. Nothing here blocks: the action returns {@code Mono.empty()}.
 */
final class ReactiveResponses {

  private static final String RESPONSE = "org.springframework.http.server.reactive.ServerHttpResponse";

  /** All {@code null} for a class that is no reactive response: found out once, not per call. */
  private record Handles(MethodHandle headers, MethodHandle add, MethodHandle committed, MethodHandle beforeCommit,
      MethodHandle setStatus, MethodHandle statusOf, Object emptyMono) {
    boolean reactive() {
      return headers != null;
    }
  }

  private static final ClassValue<Handles> HANDLES = new ClassValue<>() {
    @Override
    protected Handles computeValue(Class<?> type) {
      try {
        ClassLoader loader = type.getClassLoader();
        Class<?> api = Class.forName(RESPONSE, false, loader);
        if (!api.isAssignableFrom(type)) {
          return new Handles(null, null, null, null, null, null, null);
        }
        Class<?> headers = Class.forName("org.springframework.http.HttpHeaders", false, loader);
        Class<?> statusCode = Class.forName("org.springframework.http.HttpStatusCode", false, loader);
        Class<?> mono = Class.forName("reactor.core.publisher.Mono", false, loader);
        MethodHandles.Lookup lookup = MethodHandles.publicLookup();
        return new Handles(
            lookup.findVirtual(api, "getHeaders", MethodType.methodType(headers))
                .asType(MethodType.methodType(Object.class, Object.class)),
            lookup.findVirtual(headers, "add", MethodType.methodType(void.class, String.class, String.class))
                .asType(MethodType.methodType(void.class, Object.class, String.class, String.class)),
            lookup.findVirtual(api, "isCommitted", MethodType.methodType(boolean.class))
                .asType(MethodType.methodType(boolean.class, Object.class)),
            lookup.findVirtual(api, "beforeCommit", MethodType.methodType(void.class, Supplier.class))
                .asType(MethodType.methodType(void.class, Object.class, Supplier.class)),
            lookup.findVirtual(api, "setStatusCode", MethodType.methodType(boolean.class, statusCode))
                .asType(MethodType.methodType(boolean.class, Object.class, Object.class)),
            lookup.findStatic(statusCode, "valueOf", MethodType.methodType(statusCode, int.class))
                .asType(MethodType.methodType(Object.class, int.class)),
            lookup.findStatic(mono, "empty", MethodType.methodType(mono)).invoke());
      } catch (Throwable e) {
        return new Handles(null, null, null, null, null, null, null);
      }
    }
  };

  private ReactiveResponses() {}

  /** Whether {@code response} is a Spring reactive {@code ServerHttpResponse}. */
  static boolean handles(Object response) {
    return response != null && HANDLES.get(response.getClass()).reactive();
  }

  /** Adds a header unless the response is already committed (then its headers are read-only). */
  static void addHeader(Object response, String name, String value) throws Throwable {
    Handles handles = HANDLES.get(response.getClass());
    if (!(boolean) handles.committed().invokeExact(response)) {
      Object headers = handles.headers().invokeExact(response);
      handles.add().invokeExact(headers, name, value);
    }
  }

  /** Sets the status when the response is committed, whatever the transport set before. */
  static void setStatus(Object response, int status) throws Throwable {
    Handles handles = HANDLES.get(response.getClass());
    Object code = handles.statusOf().invokeExact(status);
    Supplier<Object> action = () -> {
      try {
        boolean set = (boolean) handles.setStatus().invokeExact(response, code);
      } catch (Throwable e) {
        // The response is then sent with the transport's status; the JSON-RPC error still says why.
      }
      return handles.emptyMono();
    };
    handles.beforeCommit().invokeExact(response, (Supplier) action);
  }
}
