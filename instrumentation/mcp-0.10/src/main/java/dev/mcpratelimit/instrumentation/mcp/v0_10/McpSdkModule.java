package dev.mcpratelimit.instrumentation.mcp.v0_10;

import static net.bytebuddy.matcher.ElementMatchers.isConstructor;

import dev.mcpratelimit.instrument.InstrumentationModule;
import dev.mcpratelimit.instrument.InstrumentationPoint;
import dev.mcpratelimit.instrument.SdkShapes;
import dev.mcpratelimit.instrument.SdkTypes;
import dev.mcpratelimit.instrument.ToolCallEnterAdvice;
import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * MCP Java SDK 0.10 (compiled against 0.10.0; what Spring AI 1.0.0 to 1.0.3 embed): no builders,
 * no stateless server, sync tools given their arguments map, and sessions that drop an error's
 * code and data.
 */
public final class McpSdkModule implements InstrumentationModule {

  @Override
  public String name() {
    return "mcp-0.10";
  }

  @Override
  public List<String> landmarks() {
    return List.of(SdkTypes.ASYNC_SERVER, SdkTypes.SERVER_SESSION + "$RequestHandler");
  }

  @Override
  public List<String> excludingLandmarks() {
    return List.of(SdkTypes.SERVER + "McpRequestHandler");
  }

  @Override
  public List<InstrumentationPoint> points() {
    ElementMatcher.Junction<MethodDescription> dispatch = SdkShapes.toolsCallDispatch(SdkTypes.EXCHANGE);
    ElementMatcher.Junction<MethodDescription> wrapper = SdkShapes.syncToolWrapper(3, "java.util.Map");
    ElementMatcher.Junction<MethodDescription> body = SdkShapes.syncToolBody("java.util.Map");
    String noPropagation = "limited methods called from sync tools are charged to the anonymous caller";
    List<InstrumentationPoint> points = new ArrayList<>(List.of(
        InstrumentationPoint.on(SdkTypes.ASYNC_SERVER)
            .expecting("Mono lambda$toolsCallRequestHandler$N(McpAsyncServerExchange, Object)", dispatch)
            .losing("MCP tool calls of this server type are NOT limited")
            .announcing("tools/call of McpAsyncServer (sync and async servers)")
            .advise(dispatch, ToolCallEnterAdvice.class, ToolCallAdvice.class).advise(isConstructor(), StatusToolAdvice.class),
        InstrumentationPoint.on(SdkTypes.TOOL_SPECIFICATION)
            .expecting("static Mono lambda$fromSync$N(SyncToolSpecification, exchange, Map)", wrapper)
            .losing(noPropagation).advise(wrapper, SyncToolBindAdvice.class),
        InstrumentationPoint.on(SdkTypes.TOOL_SPECIFICATION)
            .expecting("static CallToolResult lambda$fromSync$N(SyncToolSpecification, exchange, Map)", body)
            .losing(noPropagation).advise(body, SyncToolRunAdvice.class)));
    points.addAll(SessionErrors.points(false));
    return points;
  }
}
