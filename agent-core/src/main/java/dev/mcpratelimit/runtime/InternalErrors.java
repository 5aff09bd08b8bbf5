package dev.mcpratelimit.runtime;

import dev.mcpratelimit.config.ProblemReport;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Failures inside the agent. The call that hit one goes through as if unlimited; each kind (where
 * plus exception class) is logged once, and all are counted, so a bug in the limiter can never
 * take the host down or flood its log.
 */
public final class InternalErrors {

  private final LongAdder count = new LongAdder();
  private final Set<String> seen = ConcurrentHashMap.newKeySet();

  public void record(String where, Throwable error) {
    count.increment();
    String kind = where + ": " + error.getClass().getName();
    if (seen.add(kind)) {
      // The message may hold what a client sent: bounded and escaped, like every name the agent logs.
      AgentLog.warning("internal error in " + kind + " (" + ProblemReport.printable(String.valueOf(error.getMessage()),
          ProblemReport.MAX_MESSAGE_CHARS) + "); the call was let through. Further errors of this kind are only counted.");
    }
  }

  public long count() {
    return count.sum();
  }
}
