package dev.mcpratelimit.instrumentation.mcp.v0_11;

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
 * Inlined at the end of {@code McpAsyncServer}'s constructors (sync servers wrap one): adds the
 * {@code rate_limit_status} tool to a server that has the tools capability. It goes straight into
 * the tool list rather than through {@code addTool}, which would announce a list change before
 * a stdio client has even initialized.
 */
public final class StatusToolAdvice {

  private StatusToolAdvice() {}

  @Advice.OnMethodExit(suppress = Throwable.class)
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static void exit(@Advice.This McpAsyncServer server, @Advice.FieldValue("tools") List tools) {
    if (server.getServerCapabilities().tools() != null && Gate.addsStatusTool(tools)) {
      tools.add(McpServerFeatures.AsyncToolSpecification.builder()
          .tool(McpSchema.Tool.builder().name(StatusTool.NAME).description(StatusTool.DESCRIPTION)
              .inputSchema(new McpSchema.JsonSchema("object", Map.of(), List.of(), false, null, null))
              .outputSchema(StatusTool.outputSchema()).build())
          .callHandler((BiFunction) Gate.statusToolHandler()).build());
    }
  }
}
