package dev.mcpratelimit.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mcpratelimit.core.FakeClock;
import dev.mcpratelimit.metrics.ViolationTracker.Violator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ViolationTrackerTest {

  private final FakeClock clock = new FakeClock();
  private final List<Violator> announced = new ArrayList<>();
  private final ViolationTracker tracker =
      new ViolationTracker(clock, TimeUnit.SECONDS.toNanos(60), 3, 2, announced::add);

  @Test
  void aCallerOverTheThresholdWithinTheWindowIsAnnouncedOnce() {
    for (int i = 0; i < 3; i++) {
      tracker.rejected("mallory", "free");
    }
    assertEquals(List.of(), announced, "3 is not more than the threshold");
    assertEquals(0, tracker.persistentViolators());
    tracker.rejected("mallory", "free");
    tracker.rejected("mallory", "free");
    assertEquals(List.of(new Violator("mallory", "free", 4)), announced, "once, at the crossing");
    assertEquals(1, tracker.persistentViolators());
  }

  @Test
  void rejectionsOlderThanTheWindowNoLongerCount() {
    for (int i = 0; i < 5; i++) {
      tracker.rejected("mallory", "free");
    }
    clock.advance(Duration.ofSeconds(61));
    assertEquals(0, tracker.persistentViolators());
    assertEquals(List.of(), tracker.top());
    for (int i = 0; i < 4; i++) {
      tracker.rejected("mallory", "free");
    }
    assertEquals(2, announced.size(), "a new episode is announced again");
  }

  @Test
  void theTopListIsBoundedAndSortedByRejections() {
    tracker.rejected("a", "free");
    for (int i = 0; i < 3; i++) {
      tracker.rejected("b", "basic");
    }
    tracker.rejected("c", "free");
    tracker.rejected("c", "free");
    assertEquals(List.of(new Violator("b", "basic", 3), new Violator("c", "free", 2)), tracker.top());
  }
}
