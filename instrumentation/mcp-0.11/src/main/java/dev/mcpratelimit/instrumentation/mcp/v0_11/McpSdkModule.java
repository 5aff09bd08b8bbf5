package dev.mcpratelimit.instrumentation.mcp.v0_11;

import dev.mcpratelimit.instrument.InstrumentationModule;
import dev.mcpratelimit.instrument.InstrumentationPoint;
import dev.mcpratelimit.instrument.SdkTypes;
import dev.mcpratelimit.instrumentation.mcp.v0_10.SessionErrors;
import java.util.ArrayList;
import java.util.List;

/**
 * MCP Java SDK 0.11 to 0.13 (compiled against 0.11.3): builders exist, but the sessions still
 * turn every error into -32603 without data, so the agent's own errors are restored there; the
 * stateless transport context moved from {@code server} to {@code common} in 0.12.
 */
public final class McpSdkModule implements InstrumentationModule {

  @Override
  public String name() {
    return "mcp-0.11-0.13";
  }

  @Override
  public List<String> landmarks() {
    return List.of(SdkTypes.ASYNC_SERVER, SdkTypes.SERVER + "McpRequestHandler");
  }

  @Override
  public List<String> excludingLandmarks() {
    return List.of(SdkTypes.SDK + "spec.McpSchema$Meta");
  }

  @Override
  public List<InstrumentationPoint> points() {
    List<InstrumentationPoint> points = new ArrayList<>(ServerPoints.of(ToolCallAdvice.class,
        SdkTypes.SERVER + "McpTransportContext", SdkTypes.SDK + "common.McpTransportContext"));
    points.addAll(SessionErrors.points(true));
    return points;
  }
}
