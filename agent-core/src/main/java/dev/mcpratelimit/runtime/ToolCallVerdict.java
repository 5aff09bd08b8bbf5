package dev.mcpratelimit.runtime;

import dev.mcpratelimit.identity.ResolvedCaller;
import dev.mcpratelimit.mcp.RateLimitHeaders;
import dev.mcpratelimit.mcp.Rejection;
import dev.mcpratelimit.mcp.StatusTool;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * What the guard decided about one {@code tools/call}: let it run, or answer instead of running
 * it. Every verdict carries the HTTP headers its response gets (none on stdio or when unlimited).
 */
public sealed interface ToolCallVerdict {

  /** The rate-limit headers of the HTTP response. */
  RateLimitHeaders headers();

  /**
   * The call runs.
   *
   * @param caller who it is charged to, for the limited methods it calls and whatever must be
   *     released when it ends; {@code null} when nothing was limited
   */
  record Proceed(ResolvedCaller caller, RateLimitHeaders headers) implements ToolCallVerdict {
    /** Nothing limited the call: no configuration, no tool name, or an internal error. */
    public static final Proceed UNLIMITED = new Proceed(null, RateLimitHeaders.NONE);
  }

  /** The call does not run; the advice answers with something else. */
  sealed interface Instead extends ToolCallVerdict {}

  /**
   * Refused: rate limited, or not identified where a key is required.
   *
   * @param httpStatus the status of the HTTP response (200 leaves the transport's own)
   */
  record Reject(Rejection rejection, int httpStatus, RateLimitHeaders headers) implements Instead {}

  /** A call of the agent's {@code rate_limit_status}, answered with the caller's report. */
  record Answer(StatusTool.Report report, RateLimitHeaders headers) implements Instead {}

  /**
   * Not decided yet: deciding would block a thread that must never block (a Netty event loop of
   * a reactive server, with the Redis store). The advice answers with {@code decide} run on a
   * worker that may block, chained with {@code resume}, which runs the dispatch again under the
   * verdict {@code decide} returned: the call runs, or is answered instead, as if decided here.
   */
  record Later(Callable<Object> decide, Function<Object, Object> resume) implements Instead {
    @Override
    public RateLimitHeaders headers() {
      return RateLimitHeaders.NONE;
    }
  }
}
