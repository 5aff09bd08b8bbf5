package dev.mcpratelimit.runtime;

import dev.mcpratelimit.core.Decision;
import dev.mcpratelimit.core.NanoClock;
import dev.mcpratelimit.core.Outcome;
import dev.mcpratelimit.core.RateLimiter;
import dev.mcpratelimit.identity.IdentitySettings;
import dev.mcpratelimit.identity.ResolvedCaller;
import dev.mcpratelimit.mcp.RateLimitHeaders;
import dev.mcpratelimit.mcp.Rejection;
import dev.mcpratelimit.mcp.StatusTool;
import dev.mcpratelimit.metrics.DecisionObserver;
import dev.mcpratelimit.runtime.LivePolicy.InForce;
import dev.mcpratelimit.runtime.ToolCallVerdict.Answer;
import dev.mcpratelimit.runtime.ToolCallVerdict.Proceed;
import dev.mcpratelimit.runtime.ToolCallVerdict.Reject;
import java.util.function.LongSupplier;

/**
 * Decides one {@code tools/call} from plain values: who is calling, under the limits in force,
 * and what the call's answer and HTTP response get. Never throws: an internal error lets the call
 * through and is counted.
 */
public final class ToolCallGuard {

  /**
   * What a call of a tool the server does not have is counted as: names come from clients, so
   * no invented name ever gets state, a log line or an answer of its own.
   */
  public static final String UNKNOWN_TOOL = "(unknown)";
  /** Longer names are unknown whatever the server says (MCP tool names are at most 128 characters). */
  static final int MAX_TOOL_NAME = 128;

  private final LivePolicy policy;
  private final DecisionObserver observers;
  private final InternalErrors errors;
  private final NanoClock clock;
  private final LongSupplier epochMillis;
  /** Set when a server brings its own {@code rate_limit_status}: its calls are then its own. */
  private volatile boolean ownStatusTool;

  ToolCallGuard(LivePolicy policy, DecisionObserver observers, InternalErrors errors, NanoClock clock,
      LongSupplier epochMillis) {
    this.policy = policy;
    this.observers = observers;
    this.errors = errors;
    this.clock = clock;
    this.epochMillis = epochMillis;
  }

  /**
   * @param name the called tool's name, {@code null} if the request has none (charged as an unknown
   *     tool; the SDK answers it)
   * @param serverHasIt whether the server has a tool of that name (an unknown one is charged to
   *     the caller's tier bucket under {@link #UNKNOWN_TOOL})
   * @param http where an HTTP request came from, {@code null} for stdio
   */
  public ToolCallVerdict check(String name, boolean serverHasIt, HttpOrigin http) {
    try {
      // A call without a usable name is charged too: else anyone could call without limit (and
      // have the SDK log an error for each).
      String tool = name != null && serverHasIt && name.length() <= MAX_TOOL_NAME ? name : UNKNOWN_TOOL;
      boolean status = !ownStatusTool && tool.equals(StatusTool.NAME);
      InForce in = policy.current();
      if (in == null) {
        // The agent's own tool always answers, even when it has nothing to say.
        return status ? new Answer(StatusTool.noLimits(), RateLimitHeaders.NONE) : Proceed.UNLIMITED;
      }
      ResolvedCaller caller = in.withOverrides(http == null ? in.callers().local()
          : in.callers().http(http.credential(), http.peer(), http.forwardedFor()), clock.nanoTime());
      IdentitySettings identity = in.config().identity();
      if (http != null && identity.requireKey() && !caller.identified()) {
        return new Reject(Rejection.unauthorized(identity.header()),
            in.config().rejectHttpStatus() == 200 ? 200 : 401, RateLimitHeaders.NONE);
      }
      RateLimiter limiter = in.limiter();
      // Looking at one's limits never costs tier tokens; the status tool has its own small bucket.
      Decision decision = status
          ? limiter.decideWithinCall(caller.id(), caller.tier(), tool)
          : limiter.decide(caller.id(), caller.tier(), tool);
      observers.observe(decision);
      if (decision.outcome() == Outcome.UNAVAILABLE) {
        return new Reject(Rejection.unavailable(decision), in.config().rejectHttpStatus() == 200 ? 200 : 403, RateLimitHeaders.NONE);
      }
      long now = epochMillis.getAsLong();
      RateLimitHeaders headers = http == null ? RateLimitHeaders.NONE
          : RateLimitHeaders.of(decision, now, in.config().headers());
      if (decision.outcome() == Outcome.REJECTED) {
        return new Reject(Rejection.of(decision), in.config().rejectHttpStatus(), headers);
      }
      if (status) {
        return new Answer(StatusTool.report(caller, limiter.status(caller.id(), caller.tier()), now), headers);
      }
      return new Proceed(caller, headers);
    } catch (Throwable e) {
      errors.record("tools/call", e);
      return Proceed.UNLIMITED;
    }
  }

  /** The server has a {@code rate_limit_status} of its own: the agent leaves it and its calls alone. */
  public void serverHasOwnStatusTool() {
    ownStatusTool = true;
    AgentLog.warning("the server has its own " + StatusTool.NAME + " tool; the agent's is not added");
  }
}
