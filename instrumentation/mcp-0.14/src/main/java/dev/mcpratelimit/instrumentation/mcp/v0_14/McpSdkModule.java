package dev.mcpratelimit.instrumentation.mcp.v0_14;

import dev.mcpratelimit.instrument.InstrumentationModule;
import dev.mcpratelimit.instrument.InstrumentationPoint;
import dev.mcpratelimit.instrument.SdkTypes;
import dev.mcpratelimit.instrumentation.mcp.v0_11.ServerPoints;
import java.util.List;

/**
 * MCP Java SDK 0.14 to 2.x (compiled against 0.14.1): from 0.14 on, a session passes an
 * {@code McpError}'s code and data to the client, and a result's structured content is any object.
 * The status tool and sync-tool advice are mcp-0.11's, whose symbols are unchanged up to 2.x
 * (checked in each class loader before they apply).
 */
public final class McpSdkModule implements InstrumentationModule {

  @Override
  public String name() {
    return "mcp-0.14-2.x";
  }

  @Override
  public List<String> landmarks() {
    return List.of(SdkTypes.ASYNC_SERVER, SdkTypes.SDK + "spec.McpSchema$Meta");
  }

  @Override
  public List<InstrumentationPoint> points() {
    return ServerPoints.of(ToolCallAdvice.class, SdkTypes.SDK + "common.McpTransportContext");
  }
}
