package dev.mcpratelimit.runtime;

import dev.mcpratelimit.config.AgentConfig;
import dev.mcpratelimit.core.Decision;
import dev.mcpratelimit.core.NanoClock;
import dev.mcpratelimit.core.Outcome;
import dev.mcpratelimit.metrics.DecisionObserver;
import dev.mcpratelimit.metrics.ViolationTracker;
import dev.mcpratelimit.metrics.ViolationTracker.Violator;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Feeds rejections to the violation tracker of the configuration in force: a reload that changes
 * the window, threshold or top-N starts a new tracker; one that does not keeps the counts.
 */
final class ViolationWatch implements DecisionObserver {

  private final NanoClock clock;
  private final BiConsumer<Violator, Long> onPersistent;
  private volatile AgentConfig.Violations settings;
  private volatile ViolationTracker tracker;

  /** @param onPersistent told of each caller that becomes a persistent violator, and the window in nanoseconds */
  ViolationWatch(NanoClock clock, AgentConfig.Violations settings, BiConsumer<Violator, Long> onPersistent) {
    this.clock = clock;
    this.onPersistent = onPersistent;
    configure(settings);
  }

  synchronized void configure(AgentConfig.Violations wanted) {
    if (wanted.equals(settings)) {
      return;
    }
    long windowNanos = TimeUnit.SECONDS.toNanos(wanted.windowSeconds());
    tracker = new ViolationTracker(clock, windowNanos, wanted.threshold(), wanted.top(),
        violator -> onPersistent.accept(violator, windowNanos));
    settings = wanted;
  }

  ViolationTracker tracker() {
    return tracker;
  }

  @Override
  public void observe(Decision decision) {
    if (decision.outcome() == Outcome.REJECTED || decision.outcome() == Outcome.SHADOW_REJECTED) {
      tracker.rejected(decision.caller(), decision.tier());
    }
  }
}
