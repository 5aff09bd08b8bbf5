package dev.mcpratelimit.instrumentation.servlet;

import static net.bytebuddy.matcher.ElementMatchers.isDeclaredBy;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.mcpratelimit.gate.Gate;
import dev.mcpratelimit.instrument.InstrumentationModule;
import dev.mcpratelimit.instrument.InstrumentationPoint;
import dev.mcpratelimit.instrument.SdkTypes;
import java.util.List;
import net.bytebuddy.asm.MemberSubstitution;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * The MCP SDK's servlet transports (Jakarta Servlet; SDK 0.10 on for SSE, 0.11 on for Streamable
 * HTTP and stateless), whose {@code doPost} dispatches on the request thread: who sent the request,
 * and where its headers and status go.
 */
public final class ServletModule implements InstrumentationModule {

  private static final String TRANSPORT = SdkTypes.SERVER + "transport.";
  private static final String NO_IDENTITY = "HTTP callers are not identified (calls are charged to the local caller)";
  private static final MethodDescription GATE_SET_STATUS;

  static {
    try {
      GATE_SET_STATUS = new MethodDescription.ForLoadedMethod(Gate.class.getMethod("setStatus", Object.class, int.class));
    } catch (NoSuchMethodException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @Override
  public String name() {
    return "servlet";
  }

  @Override
  public List<String> landmarks() {
    return List.of("jakarta.servlet.http.HttpServletRequest");
  }

  @Override
  public List<InstrumentationPoint> points() {
    return List.of(
        post(TRANSPORT + "HttpServletStreamableServerTransportProvider", "Streamable HTTP"),
        // These two set status 200 after the dispatch, which would overwrite a rejection's 429.
        post(TRANSPORT + "HttpServletStatelessServerTransport", "stateless HTTP").visit((builder, type, loader, module, domain) ->
            builder.visit(keepsRejectionStatus())),
        post(TRANSPORT + "HttpServletSseServerTransportProvider", "SSE").visit((builder, type, loader, module, domain) ->
            builder.visit(keepsRejectionStatus())));
  }

  private static InstrumentationPoint post(String transport, String kind) {
    ElementMatcher.Junction<MethodDescription> doPost = doPost();
    return InstrumentationPoint.on(transport)
        .expecting("void doPost(HttpServletRequest, HttpServletResponse)", doPost)
        .losing(NO_IDENTITY)
        .announcing("caller identity, headers and status on the " + kind + " servlet transport")
        .advise(doPost, HttpPostAdvice.class);
  }

  private static ElementMatcher.Junction<MethodDescription> doPost() {
    return named("doPost").and(takesArguments(2)).and(takesArgument(0, named("jakarta.servlet.http.HttpServletRequest")));
  }

  private static net.bytebuddy.asm.AsmVisitorWrapper keepsRejectionStatus() {
    return MemberSubstitution.relaxed()
        .method(named("setStatus").and(takesArguments(int.class))
            .and(isDeclaredBy(named("jakarta.servlet.http.HttpServletResponse"))))
        .replaceWith(GATE_SET_STATUS)
        .on(doPost());
  }
}
