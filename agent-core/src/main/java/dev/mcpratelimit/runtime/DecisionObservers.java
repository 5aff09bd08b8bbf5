package dev.mcpratelimit.runtime;

import dev.mcpratelimit.core.Decision;
import dev.mcpratelimit.metrics.DecisionObserver;
import java.util.List;

/** Every observer of decisions (usage counters, violations, the rejection log), told in order. */
final class DecisionObservers implements DecisionObserver {

  private final DecisionObserver[] observers;

  DecisionObservers(List<DecisionObserver> observers) {
    this.observers = observers.toArray(DecisionObserver[]::new);
  }

  @Override
  public void observe(Decision decision) {
    for (DecisionObserver observer : observers) {
      observer.observe(decision);
    }
  }
}
