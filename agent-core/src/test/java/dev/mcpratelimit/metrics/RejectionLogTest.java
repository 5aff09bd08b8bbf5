package dev.mcpratelimit.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mcpratelimit.core.BucketLimit;
import dev.mcpratelimit.core.Decision;
import dev.mcpratelimit.core.FakeClock;
import dev.mcpratelimit.core.Outcome;
import dev.mcpratelimit.core.Rate;
import dev.mcpratelimit.core.Scope;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RejectionLogTest {

  private static final Decision REJECTED = new Decision(Outcome.REJECTED, "mallory", "free", "get_track", 1,
      Scope.CALLER, new BucketLimit(10, Rate.perMinute(10)), 0, TimeUnit.SECONDS.toNanos(60), TimeUnit.SECONDS.toNanos(6), null);

  private final FakeClock clock = new FakeClock();
  private final List<String> lines = new ArrayList<>();
  private final RejectionLog log = new RejectionLog(clock, 3, TimeUnit.SECONDS.toNanos(10), lines::add);

  @Test
  void eachRejectionIsOneLineWithItsContext() {
    log.observe(REJECTED);
    assertEquals(List.of("rejected: caller=mallory tier=free tool=get_track cost=1 scope=caller remaining=0"
        + " retry-after=6s"), lines);
  }

  @Test
  void aFloodIsSummedUpSoTheLogStaysBounded() {
    for (int i = 0; i < 100_000; i++) {
      log.observe(REJECTED);
    }
    assertEquals(3, lines.size());
    clock.advance(Duration.ofSeconds(10));
    log.flush();
    assertEquals("99997 more rejections in the last 10 s were not logged (at most 3 lines per interval)", lines.get(3));
    log.flush();
    assertEquals(4, lines.size(), "a quiet interval writes nothing");
  }
}
