package dev.mcpratelimit.instrumentation.mcp.v0_11;

import dev.mcpratelimit.gate.Gate;
import dev.mcpratelimit.mcp.StatusTool;
import io.modelcontextprotocol.server.McpStatelessAsyncServer;
import io.modelcontextprotocol.server.McpStatelessServerFeatures;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import net.bytebuddy.asm.Advice;

/** {@link StatusToolAdvice} for {@code McpStatelessAsyncServer} (stateless sync servers wrap one). */
public final class StatelessStatusToolAdvice {

  private StatelessStatusToolAdvice() {}

  @Advice.OnMethodExit(suppress = Throwable.class)
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static void exit(@Advice.This McpStatelessAsyncServer server, @Advice.FieldValue("tools") List tools) {
    if (server.getServerCapabilities().tools() != null && Gate.addsStatusTool(tools)) {
      tools.add(McpStatelessServerFeatures.AsyncToolSpecification.builder()
          .tool(McpSchema.Tool.builder().name(StatusTool.NAME).description(StatusTool.DESCRIPTION)
              .inputSchema(new McpSchema.JsonSchema("object", Map.of(), List.of(), false, null, null))
              .outputSchema(StatusTool.outputSchema()).build())
          .callHandler((BiFunction) Gate.statusToolHandler()).build());
    }
  }
}
