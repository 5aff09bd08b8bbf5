package dev.mcpratelimit.instrument;

import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.returns;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * The method shapes the MCP SDK modules instrument, the same in every SDK version from 0.10 on
 * apart from the lambda numbers (see docs/sdk-versions.md): one matcher each, shared by the modules.
 */
public final class SdkShapes {

  private SdkShapes() {}

  /**
   * The {@code tools/call} dispatch, {@code Mono lambda$toolsCallRequestHandler$N(<first>, Object params)}.
   *
   * @param first the binary names the first argument may have (exchange, or a transport context)
   */
  public static ElementMatcher.Junction<MethodDescription> toolsCallDispatch(String... first) {
    return nameStartsWith("lambda$toolsCallRequestHandler$")
        .and(not(isStatic()))
        .and(takesArguments(2))
        .and(takesArgument(0, namedOneOf(first)))
        .and(takesArgument(1, Object.class))
        .and(returns(named(SdkTypes.MONO)));
  }

  /**
   * The async wrapper of a sync tool, on the dispatch thread: a static {@code lambda$fromSync$N}
   * returning a {@code Mono}, with {@code arguments} arguments of which the last is {@code last}
   * (the {@code CallToolRequest}, or the arguments {@code Map} of the legacy handlers).
   */
  public static ElementMatcher.Junction<MethodDescription> syncToolWrapper(int arguments, String last) {
    ElementMatcher.Junction<MethodDescription> shape = nameStartsWith("lambda$fromSync$")
        .and(isStatic())
        .and(takesArguments(arguments))
        .and(takesArgument(arguments - 1, named(last)))
        .and(returns(named(SdkTypes.MONO)));
    return arguments == 4 ? shape.and(takesArgument(1, boolean.class)) : shape;
  }

  /** The body that runs a sync tool on the worker thread: static, 3 arguments, the last {@code last}. */
  public static ElementMatcher.Junction<MethodDescription> syncToolBody(String last) {
    return nameStartsWith("lambda$fromSync$")
        .and(isStatic())
        .and(takesArguments(3))
        .and(takesArgument(2, named(last)))
        .and(returns(named(SdkTypes.CALL_TOOL_RESULT)));
  }

  /**
   * Where a session turns a request's error into the JSON-RPC answer (SDK 0.10 to 0.13, which
   * drop the error's code and data): {@code static Mono lambda$<method>$N(JSONRPCRequest, Throwable)}.
   */
  public static ElementMatcher.Junction<MethodDescription> sessionErrorAnswer(String method) {
    return nameStartsWith("lambda$" + method + "$")
        .and(isStatic())
        .and(takesArguments(2))
        .and(takesArgument(0, named(SdkTypes.JSONRPC_REQUEST)))
        .and(takesArgument(1, Throwable.class))
        .and(returns(named(SdkTypes.MONO)));
  }
}
