package dev.mcpratelimit.instrumentation.webflux;

import static net.bytebuddy.matcher.ElementMatchers.isDeclaredBy;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.returns;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.mcpratelimit.instrument.InstrumentationModule;
import dev.mcpratelimit.instrument.InstrumentationPoint;
import dev.mcpratelimit.instrument.SdkTypes;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.asm.MemberSubstitution;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * The Spring WebFlux transports (Netty) of {@code io.modelcontextprotocol.sdk:mcp-spring-webflux}
 * 0.10 to 0.18 and of Spring AI 2.0 ({@code org.springframework.ai:mcp-spring-webflux}): who sent a
 * request, and its response's headers and status.
 *
 * <p>Their handlers return a lazy {@code Mono<ServerResponse>}; the dispatch runs later (SSE,
 * streamable) or inside the body's mapper (stateless), never in the handler's frame, and nothing
 * there may block. So the handler binds the request for its frame ({@link HandlerAdvice}), its one
 * {@code flatMap} gets a mapper that binds it again while the body is parsed
 * ({@link BodyMapperBinding}), and a parsed {@code tools/call}'s params are tied to it
 * ({@link ParseAdvice}): the dispatch receives those params, on whatever thread it runs.
 */
public final class WebFluxModule implements InstrumentationModule {

  private static final String SDK_TRANSPORT = SdkTypes.SERVER + "transport.";
  private static final String AI_TRANSPORT = "org.springframework.ai.mcp.server.webflux.transport.";
  private static final String SERVER_REQUEST = "org.springframework.web.reactive.function.server.ServerRequest";
  private static final String NO_IDENTITY = "HTTP callers are not identified (calls are charged to the local caller)";

  @Override
  public String name() {
    return "spring-webflux";
  }

  @Override
  public List<String> landmarks() {
    return List.of(SERVER_REQUEST, SdkTypes.SDK + "spec.McpSchema");
  }

  @Override
  public List<InstrumentationPoint> points() {
    List<InstrumentationPoint> points = new ArrayList<>();
    for (String pkg : List.of(SDK_TRANSPORT, AI_TRANSPORT)) {
      String origin = pkg.equals(AI_TRANSPORT) ? " (Spring AI)" : "";
      points.add(handler(pkg + "WebFluxStreamableServerTransportProvider", "handlePost", "Streamable HTTP" + origin));
      points.add(handler(pkg + "WebFluxStatelessServerTransport", "handlePost", "stateless HTTP" + origin));
      points.add(handler(pkg + "WebFluxSseServerTransportProvider", "handleMessage", "SSE" + origin));
    }
    ElementMatcher.Junction<MethodDescription> parse = named("deserializeJsonRpcMessage").and(takesArguments(2))
        .and(takesArgument(1, String.class)).and(returns(named(SdkTypes.SDK + "spec.McpSchema$JSONRPCMessage")));
    points.add(InstrumentationPoint.on(SdkTypes.SDK + "spec.McpSchema")
        .expecting("JSONRPCMessage deserializeJsonRpcMessage(mapper, String)", parse)
        .losing("calls over the Spring WebFlux transports are not tied to their HTTP request")
        // Every SDK host loads it at once; a WebFlux server only after Spring's start, long after the build.
        .notWaitedFor()
        .advise(parse, ParseAdvice.class));
    return points;
  }

  private static InstrumentationPoint handler(String transport, String method, String kind) {
    ElementMatcher.Junction<MethodDescription> handler = handler(method);
    return InstrumentationPoint.on(transport)
        .expecting("Mono<ServerResponse> " + method + "(ServerRequest)", handler)
        .losing(NO_IDENTITY)
        .announcing("caller identity, headers and status on the " + kind + " WebFlux transport")
        .advise(handler, HandlerAdvice.class)
        .visit((builder, type, loader, module, domain) -> builder.visit(bindsBodyMapper(handler)));
  }

  private static ElementMatcher.Junction<MethodDescription> handler(String method) {
    return named(method).and(takesArguments(1)).and(takesArgument(0, named(SERVER_REQUEST)))
        .and(returns(named(SdkTypes.MONO)));
  }

  private static AsmVisitorWrapper bindsBodyMapper(ElementMatcher<? super MethodDescription> handler) {
    try {
      return MemberSubstitution.relaxed()
          .method(named("flatMap").and(takesArguments(Function.class)).and(isDeclaredBy(named(SdkTypes.MONO))))
          .replaceWithChain(
              MemberSubstitution.Substitution.Chain.Step.ForDelegation.to(
                  BodyMapperBinding.class.getMethod("flatMap", Object.class, Function.class, java.lang.invoke.MethodHandle.class)),
              MemberSubstitution.Substitution.Chain.Step.ForAssignment.castToSubstitutionResult())
          .on(handler);
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException(e);
    }
  }
}
