package dev.mcpratelimit.instrument;

import dev.mcpratelimit.gate.Gate;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into a configured plain method ({@code method.<name>.target}). Not suppressed: the
 * gate's deliberate {@code RateLimitExceededException} must reach the host; the gate itself
 * swallows its own failures.
 */
public final class LimitedMethodAdvice {

  private LimitedMethodAdvice() {}

  @Advice.OnMethodEnter
  public static void enter(@Advice.Origin Class<?> type, @Advice.Origin("#m") String method) {
    Gate.beforeLimitedMethod(type, method);
  }
}
