package dev.mcpratelimit.gate;

import dev.mcpratelimit.mcp.RateLimitHeaders;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Sets headers and status on the host's {@code HttpServletResponse} without the agent linking
 * against the servlet API (which the host may load in a loader the agent cannot see): the
 * interface's methods are found once per response class, through that class's own loader.
 */
final class ServletResponses {

  /** Both {@code null} for a class that is no servlet response: found out once, not per call. */
  private record Handles(MethodHandle addHeader, MethodHandle setStatus) {
    Handles require(Class<?> type) {
      if (addHeader == null) {
        throw new IllegalStateException(type.getName() + " is not a jakarta.servlet HttpServletResponse");
      }
      return this;
    }
  }

  private static final ClassValue<Handles> HANDLES = new ClassValue<>() {
    @Override
    protected Handles computeValue(Class<?> type) {
      try {
        Class<?> api = Class.forName("jakarta.servlet.http.HttpServletResponse", false, type.getClassLoader());
        MethodHandles.Lookup lookup = MethodHandles.publicLookup();
        return new Handles(
            lookup.findVirtual(api, "addHeader", MethodType.methodType(void.class, String.class, String.class))
                .asType(MethodType.methodType(void.class, Object.class, String.class, String.class)),
            lookup.findVirtual(api, "setStatus", MethodType.methodType(void.class, int.class))
                .asType(MethodType.methodType(void.class, Object.class, int.class)));
      } catch (ReflectiveOperationException e) {
        return new Handles(null, null);
      }
    }
  };

  private ServletResponses() {}

  /** Adds every header to the response, its {@code addHeader} found once for all of them. */
  static void addHeaders(Object response, RateLimitHeaders headers) throws Throwable {
    if (headers.isEmpty()) {
      return; // none: then the response need not be a servlet's at all
    }
    MethodHandle addHeader = HANDLES.get(response.getClass()).require(response.getClass()).addHeader();
    headers.writeTo((name, value) -> {
      addHeader.invokeExact(response, name, value); // a statement: invokeExact's type is then void
    });
  }

  static void setStatus(Object response, int status) throws Throwable {
    HANDLES.get(response.getClass()).require(response.getClass()).setStatus().invokeExact(response, status);
  }
}
