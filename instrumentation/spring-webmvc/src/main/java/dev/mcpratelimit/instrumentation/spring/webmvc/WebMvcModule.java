package dev.mcpratelimit.instrumentation.spring.webmvc;

import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.returns;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.mcpratelimit.instrument.InstrumentationModule;
import dev.mcpratelimit.instrument.InstrumentationPoint;
import dev.mcpratelimit.instrument.SdkTypes;
import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * The Spring WebMVC transports (compiled against Spring Framework 6.2): the SDK's own
 * ({@code mcp-spring-webmvc} 0.10 to 0.18, used by Spring AI 1.x) and Spring AI 2.0's copy, with
 * the same classes and methods in another package. Their handlers take a {@code ServerRequest}
 * behind Spring's DispatcherServlet, not the SDK servlets' {@code doPost}.
 */
public final class WebMvcModule implements InstrumentationModule {

  private static final List<String> PACKAGES = List.of(SdkTypes.SERVER + "transport.",
      "org.springframework.ai.mcp.server.webmvc.transport.");
  private static final String SERVER_REQUEST = "org.springframework.web.servlet.function.ServerRequest";
  private static final String SERVER_RESPONSE = "org.springframework.web.servlet.function.ServerResponse";
  private static final String NO_IDENTITY = "HTTP callers are not identified (every call is charged to one anonymous caller)";

  @Override
  public String name() {
    return "spring-webmvc";
  }

  @Override
  public List<String> landmarks() {
    return List.of(SERVER_RESPONSE, "org.springframework.web.context.request.RequestContextHolder");
  }

  @Override
  public List<InstrumentationPoint> points() {
    List<InstrumentationPoint> points = new ArrayList<>();
    for (String transports : PACKAGES) {
      ElementMatcher.Junction<MethodDescription> message = handler("handleMessage");
      ElementMatcher.Junction<MethodDescription> post = handler("handlePost");
      // The streamable transport answers a request with an SSE body whose writer runs the dispatch.
      ElementMatcher.Junction<MethodDescription> stream = nameStartsWith("lambda$handlePost$").and(takesArguments(5))
          .and(takesArgument(2, named(SdkTypes.JSONRPC_REQUEST)))
          .and(takesArgument(4, named(SERVER_RESPONSE + "$SseBuilder")));
      points.add(InstrumentationPoint.on(transports + "WebMvcSseServerTransportProvider")
          .expecting("ServerResponse handleMessage(ServerRequest)", message).losing(NO_IDENTITY)
          .announcing("caller identity, headers and status on the Spring WebMVC SSE transport")
          .advise(message, WebMvcRequestAdvice.class, WebMvcStatusAdvice.class));
      points.add(InstrumentationPoint.on(transports + "WebMvcStatelessServerTransport")
          .expecting("ServerResponse handlePost(ServerRequest)", post).losing(NO_IDENTITY)
          .announcing("caller identity, headers and status on the Spring WebMVC stateless transport")
          .advise(post, WebMvcRequestAdvice.class, WebMvcStatusAdvice.class));
      points.add(InstrumentationPoint.on(transports + "WebMvcStreamableServerTransportProvider")
          .expecting("void lambda$handlePost$N(String, session, JSONRPCRequest, context, SseBuilder)", stream)
          .losing(NO_IDENTITY)
          .announcing("caller identity, headers and status on the Spring WebMVC Streamable HTTP transport")
          .advise(stream, WebMvcRequestAdvice.class));
    }
    return points;
  }

  private static ElementMatcher.Junction<MethodDescription> handler(String name) {
    return named(name).and(takesArguments(1)).and(takesArgument(0, named(SERVER_REQUEST)))
        .and(returns(named(SERVER_RESPONSE)));
  }
}
