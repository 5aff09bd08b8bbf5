package dev.mcpratelimit.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcpratelimit.core.FakeClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class EvictionWarningTest {

  private final FakeClock clock = new FakeClock();
  private final AtomicLong forgiven = new AtomicLong();
  private final List<String> lines = new ArrayList<>();
  private final EvictionWarning warning = new EvictionWarning(clock, forgiven::get, () -> 100, lines::add);

  @Test
  void nothingForgivenNothingSaid() {
    for (int i = 0; i < 120; i++) {
      warning.check();
      clock.advance(Duration.ofSeconds(1));
    }
    assertEquals(List.of(), lines);
  }

  @Test
  void forgivenDebtsAreToldAtOnceThenAtMostOnceAMinuteWithTheCountSinceTheLastWarning() {
    forgiven.set(150_000);
    warning.check();
    assertEquals(1, lines.size());
    assertTrue(lines.get(0).startsWith("store.memory.max-buckets (100) reached: 150000 buckets"), lines.get(0));
    for (int second = 1; second < 60; second++) {
      clock.advance(Duration.ofSeconds(1));
      forgiven.addAndGet(10);
      warning.check();
    }
    assertEquals(1, lines.size(), "not twice within a minute");
    clock.advance(Duration.ofSeconds(1));
    forgiven.addAndGet(10);
    warning.check();
    assertEquals(2, lines.size());
    assertTrue(lines.get(1).contains(": 600 buckets"), lines.get(1));
  }
}
