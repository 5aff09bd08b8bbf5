package dev.mcpratelimit.instrumentation.mcp.v0_10;

import dev.mcpratelimit.instrument.InstrumentationPoint;
import dev.mcpratelimit.instrument.SdkShapes;
import dev.mcpratelimit.instrument.SdkTypes;
import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.matcher.ElementMatcher;

/** The points of {@link SessionErrorAdvice}: the sessions' error answers in SDK 0.10 to 0.13. */
public final class SessionErrors {

  private static final String LOST = "a rejected call's error reaches the client as -32603 without its data";

  private SessionErrors() {}

  /** @param streamable whether the range has the Streamable HTTP session (0.11 on) */
  public static List<InstrumentationPoint> points(boolean streamable) {
    List<InstrumentationPoint> points = new ArrayList<>();
    points.add(point(SdkTypes.SERVER_SESSION, SdkShapes.sessionErrorAnswer("handleIncomingRequest")));
    if (streamable) {
      points.add(point(SdkTypes.STREAMABLE_SESSION, SdkShapes.sessionErrorAnswer("responseStream")));
    }
    return points;
  }

  private static InstrumentationPoint point(String session, ElementMatcher.Junction<MethodDescription> shape) {
    return InstrumentationPoint.on(session)
        .expecting("static Mono lambda$N(JSONRPCRequest, Throwable)", shape)
        .losing(LOST).advise(shape, SessionErrorAdvice.class);
  }
}
