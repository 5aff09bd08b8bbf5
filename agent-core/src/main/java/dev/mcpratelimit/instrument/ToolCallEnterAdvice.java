package dev.mcpratelimit.instrument;

import dev.mcpratelimit.gate.Gate;
import dev.mcpratelimit.runtime.ToolCallVerdict;
import net.bytebuddy.asm.Advice;

/**
 * The enter half of every SDK range's {@code tools/call} dispatch advice, the same in all (it names
 * no SDK type): asks the gate first, and skips the dispatch when the gate says to answer instead.
 * Each range's exit half builds that answer with its own SDK's API.
 */
public final class ToolCallEnterAdvice {

  private ToolCallEnterAdvice() {}

  @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class, suppress = Throwable.class)
  public static ToolCallVerdict.Instead enter(@Advice.Argument(1) Object params,
      @Advice.FieldValue("tools") Iterable<?> tools) {
    return Gate.beforeToolCall(params, tools);
  }
}
