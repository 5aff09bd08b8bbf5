package dev.mcpratelimit.metrics;

import dev.mcpratelimit.core.Decision;

/** Told about every decision the agent makes (on the call's thread: keep it cheap). */
@FunctionalInterface
public interface DecisionObserver {

  void observe(Decision decision);
}
