package dev.mcpratelimit.instrumentation.mcp.v0_11;

import static net.bytebuddy.matcher.ElementMatchers.isConstructor;

import dev.mcpratelimit.instrument.InstrumentationPoint;
import dev.mcpratelimit.instrument.SdkShapes;
import dev.mcpratelimit.instrument.SdkTypes;
import dev.mcpratelimit.instrument.SyncToolBindAdvice;
import dev.mcpratelimit.instrument.ToolCallEnterAdvice;
import java.util.List;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * The points every SDK from 0.11 on has: both servers' dispatch and constructors, and the sync
 * tool wrappers. Only the dispatch advice (how a result is built) and the stateless transport
 * context's type differ between the ranges that use them.
 */
public final class ServerPoints {

  private static final String NOT_LIMITED = "MCP tool calls of this server type are NOT limited";
  private static final String NO_PROPAGATION = "limited methods called from sync tools are charged to the anonymous caller";

  private ServerPoints() {}

  /**
   * @param toolCallAdvice the exit half of the range's dispatch advice (the enter half is shared)
   * @param statelessContexts the binary names the stateless dispatch's transport context has in the range
   */
  public static List<InstrumentationPoint> of(Class<?> toolCallAdvice, String... statelessContexts) {
    ElementMatcher.Junction<MethodDescription> dispatch = SdkShapes.toolsCallDispatch(SdkTypes.EXCHANGE);
    ElementMatcher.Junction<MethodDescription> stateless = SdkShapes.toolsCallDispatch(statelessContexts);
    String[] specifications = {SdkTypes.TOOL_SPECIFICATION, SdkTypes.STATELESS_TOOL_SPECIFICATION};
    return List.of(
        InstrumentationPoint.on(SdkTypes.ASYNC_SERVER)
            .expecting("Mono lambda$toolsCallRequestHandler$N(McpAsyncServerExchange, Object)", dispatch)
            .losing(NOT_LIMITED).announcing("tools/call of McpAsyncServer (sync and async servers)")
            .advise(dispatch, ToolCallEnterAdvice.class, toolCallAdvice).advise(isConstructor(), StatusToolAdvice.class),
        InstrumentationPoint.on(SdkTypes.STATELESS_SERVER)
            .expecting("Mono lambda$toolsCallRequestHandler$N(McpTransportContext, Object)", stateless)
            .losing(NOT_LIMITED).announcing("tools/call of McpStatelessAsyncServer (stateless servers)")
            .advise(stateless, ToolCallEnterAdvice.class, toolCallAdvice).advise(isConstructor(), StatelessStatusToolAdvice.class),
        syncWrapper(specifications, SdkShapes.syncToolWrapper(4, SdkTypes.CALL_TOOL_REQUEST)),
        syncBody(specifications, SdkShapes.syncToolBody(SdkTypes.CALL_TOOL_REQUEST)),
        // Handlers given the arguments map (call(), deprecated; up to 0.18 only).
        syncWrapper(new String[] {SdkTypes.TOOL_SPECIFICATION}, SdkShapes.syncToolWrapper(4, "java.util.Map")).optional(),
        syncBody(new String[] {SdkTypes.TOOL_SPECIFICATION}, SdkShapes.syncToolBody("java.util.Map")).optional());
  }

  private static InstrumentationPoint syncWrapper(String[] types, ElementMatcher.Junction<MethodDescription> shape) {
    return InstrumentationPoint.on(types)
        .expecting("static Mono lambda$fromSync$N(SyncToolSpecification, boolean, exchange, request)", shape)
        .losing(NO_PROPAGATION).advise(shape, SyncToolBindAdvice.class);
  }

  private static InstrumentationPoint syncBody(String[] types, ElementMatcher.Junction<MethodDescription> shape) {
    return InstrumentationPoint.on(types)
        .expecting("static CallToolResult lambda$fromSync$N(SyncToolSpecification, exchange, request)", shape)
        .losing(NO_PROPAGATION).advise(shape, SyncToolRunAdvice.class);
  }
}
