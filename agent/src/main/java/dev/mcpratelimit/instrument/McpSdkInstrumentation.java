package dev.mcpratelimit.instrument;

import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.isDeclaredBy;
import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.returns;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.mcpratelimit.gate.Gate;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.MemberSubstitution;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Where the official MCP Java SDK (2.1.0) is instrumented. Every point is matched by its full
 * shape, not just a name, and checked by {@link ShapeCheckedAdvice}.
 *
 * <ul>
 *   <li>{@code tools/call} dispatch: the lambda behind {@code toolsCallRequestHandler()} in
 *       {@code McpAsyncServer} (sync servers wrap it) and {@code McpStatelessAsyncServer}. Tools
 *       are looked up on every call, so tools added at run time are covered.
 *   <li>sync tool handlers: the two lambdas of {@code AsyncToolSpecification.fromSync}, one on the
 *       dispatch thread, one on the worker thread that runs the handler.
 *   <li>HTTP: {@code doPost} of the servlet transports, which dispatch on the request thread.
 *   <li>{@code rate_limit_status}: added at the end of the servers' constructors, answered at
 *       dispatch.
 * </ul>
 */
final class McpSdkInstrumentation {

  private static final String SDK = "io.modelcontextprotocol.";
  private static final String SERVER = SDK + "server.";
  private static final String MONO = "reactor.core.publisher.Mono";
  private static final String CALL_TOOL_REQUEST = SDK + "spec.McpSchema$CallToolRequest";
  private static final String CALL_TOOL_RESULT = SDK + "spec.McpSchema$CallToolResult";

  private McpSdkInstrumentation() {}

  static AgentBuilder instrument(AgentBuilder builder, ClassLoader agentLoader) {
    String notLimited = "MCP tool calls of this server type are NOT limited";
    String noPropagation = "limited methods called from sync tools are charged to the anonymous caller";
    String noIdentity = "HTTP callers are not identified (calls are charged to the local caller)";
    ElementMatcher.Junction<MethodDescription> asyncDispatch = toolsCallDispatch(SERVER + "McpAsyncServerExchange");
    ElementMatcher.Junction<MethodDescription> statelessDispatch = toolsCallDispatch(SDK + "common.McpTransportContext");
    ElementMatcher.Junction<MethodDescription> doPost = named("doPost").and(takesArguments(2))
        .and(takesArgument(0, named("jakarta.servlet.http.HttpServletRequest")));
    return builder
        .type(named(SdkTypes.ASYNC_SERVER))
        .transform(new ShapeCheckedAdvice(notLimited,
            "Mono lambda$toolsCallRequestHandler$N(McpAsyncServerExchange, Object)", asyncDispatch,
            advice(agentLoader).advice(asyncDispatch, ToolCallAdvice.class.getName())
                .advice(isConstructor(), StatusToolAdvice.class.getName())))
        .type(named(SdkTypes.STATELESS_SERVER))
        .transform(new ShapeCheckedAdvice(notLimited,
            "Mono lambda$toolsCallRequestHandler$N(McpTransportContext, Object)", statelessDispatch,
            advice(agentLoader).advice(statelessDispatch, ToolCallAdvice.class.getName())
                .advice(isConstructor(), StatelessStatusToolAdvice.class.getName())))
        .type(named(SdkTypes.TOOL_SPECIFICATION).or(named(SdkTypes.STATELESS_TOOL_SPECIFICATION)))
        .transform(new ShapeCheckedAdvice(noPropagation,
            "static Mono lambda$fromSync$N(SyncToolSpecification, boolean, exchange, CallToolRequest)",
            syncToolWrapper(), advice(agentLoader).advice(syncToolWrapper(), SyncToolBindAdvice.class.getName())))
        .transform(new ShapeCheckedAdvice(noPropagation,
            "static CallToolResult lambda$fromSync$N(SyncToolSpecification, exchange, CallToolRequest)",
            syncToolBody(), advice(agentLoader).advice(syncToolBody(), SyncToolRunAdvice.class.getName())))
        .type(named(SdkTypes.STREAMABLE_SERVLET).or(named(SdkTypes.STATELESS_SERVLET)).or(named(SdkTypes.SSE_SERVLET)))
        .transform(new ShapeCheckedAdvice(noIdentity, "void doPost(HttpServletRequest, HttpServletResponse)",
            doPost, advice(agentLoader).advice(doPost, HttpPostAdvice.class.getName())))
        // The stateless transport sets status 200 after the dispatch; a rejection's status must stay.
        .type(named(SdkTypes.STATELESS_SERVLET))
        .transform(new ShapeCheckedAdvice("a rejected call over stateless HTTP gets status 200", 
            "void doPost(HttpServletRequest, HttpServletResponse)", doPost,
            (target, type, loader, module, domain) -> target.visit(MemberSubstitution.relaxed()
                .method(named("setStatus").and(takesArguments(int.class))
                    .and(isDeclaredBy(named("jakarta.servlet.http.HttpServletResponse"))))
                .replaceWith(GATE_SET_STATUS)
                .on(doPost))));
  }

  private static final MethodDescription GATE_SET_STATUS;

  static {
    try {
      GATE_SET_STATUS = new MethodDescription.ForLoadedMethod(Gate.class.getMethod("setStatus", Object.class, int.class));
    } catch (NoSuchMethodException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private static AgentBuilder.Transformer.ForAdvice advice(ClassLoader agentLoader) {
    return new AgentBuilder.Transformer.ForAdvice().include(agentLoader);
  }

  private static ElementMatcher.Junction<MethodDescription> toolsCallDispatch(String firstArgument) {
    return nameStartsWith("lambda$toolsCallRequestHandler$")
        .and(not(isStatic()))
        .and(takesArguments(2))
        .and(takesArgument(0, named(firstArgument)))
        .and(takesArgument(1, Object.class))
        .and(returns(named(MONO)));
  }

  private static ElementMatcher.Junction<MethodDescription> syncToolWrapper() {
    return nameStartsWith("lambda$fromSync$")
        .and(isStatic())
        .and(takesArguments(4))
        .and(takesArgument(1, boolean.class))
        .and(takesArgument(3, named(CALL_TOOL_REQUEST)))
        .and(returns(named(MONO)));
  }

  private static ElementMatcher.Junction<MethodDescription> syncToolBody() {
    return nameStartsWith("lambda$fromSync$")
        .and(isStatic())
        .and(takesArguments(3))
        .and(takesArgument(2, named(CALL_TOOL_REQUEST)))
        .and(returns(named(CALL_TOOL_RESULT)));
  }
}
