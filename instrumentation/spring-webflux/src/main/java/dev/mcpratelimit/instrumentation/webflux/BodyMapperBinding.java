package dev.mcpratelimit.instrumentation.webflux;

import dev.mcpratelimit.gate.Gate;
import java.lang.invoke.MethodHandle;
import java.util.function.Function;
import net.bytebuddy.asm.MemberSubstitution;

/**
 * Stands in for the one {@code Mono.flatMap(Function)} call of a WebFlux POST handler, which maps
 * the request body once it has arrived: the same call, with the mapper wrapped so that the request
 * is bound while it runs ({@link Gate#bindingHttp}). JDK types only: this class is loaded by the
 * agent's class loader, which cannot see Reactor.
 */
public final class BodyMapperBinding {

  private BodyMapperBinding() {}

  @SuppressWarnings("unchecked")
  public static Object flatMap(@MemberSubstitution.This Object mono, @MemberSubstitution.Argument(0) Function<?, ?> mapper,
      @MemberSubstitution.SelfCallHandle(bound = false) MethodHandle flatMap) throws Throwable {
    return flatMap.invoke(mono, Gate.bindingHttp((Function<Object, Object>) mapper));
  }
}
