package dev.mcpratelimit.instrument;

import static net.bytebuddy.matcher.ElementMatchers.any;
import static net.bytebuddy.matcher.ElementMatchers.named;

import dev.mcpratelimit.runtime.AgentLog;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import net.bytebuddy.agent.builder.AgentBuilder;

/**
 * Weaves the dispatch advice once into a class of the agent's own, the way the instrumentation
 * weaves the host's, and drops the result. The first weaving loads and runs about 300 Byte Buddy
 * classes cold (Advice, the type pool, the class writer): done on the builder's thread once the
 * instrumentation is ready, while the host starts, rather than on the host's thread by its first
 * target class.
 */
final class WeavingWarmUp {

  private WeavingWarmUp() {}

  /** @return whether it wove (if not, the first target class pays for the cold start) */
  static boolean run(ClassLoader agentLoader) {
    String dispatch = WeavingWarmUp.class.getName() + "$Dispatch";
    try (InputStream in = agentLoader.getResourceAsStream(dispatch.replace('.', '/') + ".class")) {
      Weaver weaver = new Weaver().on(List.of(dispatch), any(), new AgentBuilder.Transformer.ForAdvice()
          .include(agentLoader)
          .advice(named("call"), ToolCallEnterAdvice.class.getName()));
      return weaver.weave(agentLoader, dispatch, in.readAllBytes()) != null;
    } catch (IOException | RuntimeException | LinkageError e) {
      AgentLog.fine("weaving warm-up failed (the first target class pays for it): " + e);
      return false;
    }
  }

  /** Shaped like the SDK's dispatch for ToolCallEnterAdvice (params second, a {@code tools} field); never loaded. */
  static final class Dispatch {
    private final List<Object> tools = List.of();

    Object call(Object exchange, Object params) {
      return tools.isEmpty() ? params : exchange;
    }
  }
}
