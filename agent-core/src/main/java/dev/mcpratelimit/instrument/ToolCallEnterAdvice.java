package dev.mcpratelimit.instrument;

import dev.mcpratelimit.gate.Gate;
import dev.mcpratelimit.runtime.ToolCallVerdict;
import java.lang.invoke.MethodHandle;
import net.bytebuddy.asm.Advice;

/**
 * The enter half of every SDK range's {@code tools/call} dispatch advice, the same in all (it names
 * no SDK type): asks the gate first, and skips the dispatch when the gate says to answer instead.
 * Each range's exit half builds that answer with its own SDK's API. The dispatch itself is handed
 * over (an unbound handle, a constant: nothing is made per call) for a decision that has to be made
 * later, on a worker ({@code ToolCallVerdict.Later}), after which it runs again through it.
 */
public final class ToolCallEnterAdvice {

  private ToolCallEnterAdvice() {}

  @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class, suppress = Throwable.class)
  public static ToolCallVerdict.Instead enter(@Advice.Argument(0) Object first, @Advice.Argument(1) Object params,
      @Advice.FieldValue("tools") Iterable<?> tools, @Advice.This Object server,
      @Advice.SelfCallHandle(bound = false) MethodHandle dispatch) {
    return Gate.beforeToolCall(params, tools, dispatch, server, first);
  }
}
