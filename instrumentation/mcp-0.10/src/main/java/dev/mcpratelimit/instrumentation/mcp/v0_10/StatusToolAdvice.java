package dev.mcpratelimit.instrumentation.mcp.v0_10;

import dev.mcpratelimit.gate.Gate;
import dev.mcpratelimit.mcp.StatusTool;
import io.modelcontextprotocol.server.McpAsyncServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import net.bytebuddy.asm.Advice;

/**
 * Adds {@code rate_limit_status} at the end of SDK 0.10's {@code McpAsyncServer} constructor
 * (see the 0.11 one): tools then have no output schema and specifications no builder.
 */
public final class StatusToolAdvice {

  private StatusToolAdvice() {}

  @Advice.OnMethodExit(suppress = Throwable.class)
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static void exit(@Advice.This McpAsyncServer server, @Advice.FieldValue("tools") List tools) {
    if (server.getServerCapabilities().tools() != null && Gate.addsStatusTool(tools)) {
      tools.add(new McpServerFeatures.AsyncToolSpecification(new McpSchema.Tool(StatusTool.NAME, StatusTool.DESCRIPTION,
          new McpSchema.JsonSchema("object", Map.of(), List.of(), false, null, null)), (BiFunction) Gate.statusToolHandler()));
    }
  }
}
