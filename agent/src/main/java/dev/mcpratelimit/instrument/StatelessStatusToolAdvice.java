package dev.mcpratelimit.instrument;

import dev.mcpratelimit.gate.Gate;
import dev.mcpratelimit.mcp.StatusTool;
import io.modelcontextprotocol.server.McpStatelessAsyncServer;
import io.modelcontextprotocol.server.McpStatelessServerFeatures;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.function.BiFunction;
import net.bytebuddy.asm.Advice;

/** {@link StatusToolAdvice} for {@code McpStatelessAsyncServer} (stateless sync servers wrap one). */
public final class StatelessStatusToolAdvice {

  private StatelessStatusToolAdvice() {}

  @Advice.OnMethodExit(suppress = Throwable.class)
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static void exit(@Advice.This McpStatelessAsyncServer server, @Advice.FieldValue("tools") List tools) {
    if (server.getServerCapabilities().tools() == null) {
      return;
    }
    for (Object spec : tools) {
      if (((McpStatelessServerFeatures.AsyncToolSpecification) spec).tool().name().equals(StatusTool.NAME)) {
        Gate.serverHasOwnStatusTool();
        return;
      }
    }
    McpSchema.Tool tool = McpSchema.Tool.builder().name(StatusTool.NAME).description(StatusTool.DESCRIPTION)
        .inputSchema(StatusTool.inputSchema()).outputSchema(StatusTool.outputSchema()).build();
    tools.add(McpStatelessServerFeatures.AsyncToolSpecification.builder()
        .tool(tool).callHandler((BiFunction) Gate.statusToolHandler()).build());
  }
}
