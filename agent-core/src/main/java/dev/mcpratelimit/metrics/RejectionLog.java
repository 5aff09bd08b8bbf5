package dev.mcpratelimit.metrics;

import dev.mcpratelimit.core.Decision;
import dev.mcpratelimit.core.NanoClock;
import dev.mcpratelimit.core.Outcome;
import java.util.function.Consumer;

/**
 * One line per rejection, with context, but no more than {@code perInterval} lines per interval:
 * the rest are counted and summed up in one line, so a flood cannot fill the host's disk.
 */
public final class RejectionLog implements DecisionObserver {

  private final NanoClock clock;
  private final int perInterval;
  private final long intervalNanos;
  private final Consumer<String> sink;

  private long intervalStart;
  private int logged;
  private long suppressed;

  public RejectionLog(NanoClock clock, int perInterval, long intervalNanos, Consumer<String> sink) {
    this.clock = clock;
    this.perInterval = perInterval;
    this.intervalNanos = intervalNanos;
    this.sink = sink;
    this.intervalStart = clock.nanoTime();
  }

  /** Logs the decision if it refused a call (shadow mode: would have refused). */
  @Override
  public void observe(Decision decision) {
    if (decision.outcome() != Outcome.REJECTED && decision.outcome() != Outcome.SHADOW_REJECTED) {
      return;
    }
    String line;
    synchronized (this) {
      roll(clock.nanoTime());
      if (logged >= perInterval) {
        suppressed++;
        return;
      }
      logged++;
      line = line(decision);
    }
    sink.accept(line);
  }

  /** Writes the summary of a finished interval, if any; called periodically so a flood's end is told. */
  public void flush() {
    synchronized (this) {
      roll(clock.nanoTime());
    }
  }

  private void roll(long now) {
    if (now - intervalStart < intervalNanos) {
      return;
    }
    if (suppressed > 0) {
      sink.accept(suppressed + " more rejections in the last " + (intervalNanos / 1_000_000_000L)
          + " s were not logged (at most " + perInterval + " lines per interval)");
    }
    intervalStart = now;
    logged = 0;
    suppressed = 0;
  }

  static String line(Decision decision) {
    return (decision.outcome() == Outcome.SHADOW_REJECTED ? "would reject (shadow mode): " : "rejected: ")
        + "caller=" + decision.caller() + " tier=" + decision.tier() + " tool=" + decision.tool()
        + " cost=" + decision.cost() + (decision.unavailableReason() != null
            ? " not available on the tier: " + decision.unavailableReason()
            : " scope=" + decision.scope().label() + " remaining=" + decision.remaining()
                + " retry-after=" + decision.retryAfterSeconds() + "s");
  }
}
