package dev.mcpratelimit.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mcpratelimit.core.FakeClock;
import dev.mcpratelimit.identity.ResolvedCaller;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class OverridesTest {

  private final FakeClock clock = new FakeClock();
  private final Overrides overrides = new Overrides(clock);
  private final ResolvedCaller bob = new ResolvedCaller("bob", "free", true);

  @Test
  void aTierOverrideHoldsForItsTimeThenRevertsByItself() {
    overrides.overrideTier("bob", "enterprise", TimeUnit.MINUTES.toNanos(5));
    assertEquals("enterprise", overrides.apply(bob).tier());
    assertEquals("free", overrides.apply(new ResolvedCaller("eve", "free", true)).tier());
    clock.advance(Duration.ofMinutes(5));
    assertEquals("free", overrides.apply(bob).tier(), "expired overrides never apply");
    assertEquals(List.of("tier override of bob (tier enterprise) ended"), overrides.expire());
    assertEquals(0, overrides.active());
  }

  @Test
  void rateScalingHoldsForItsTimeThenRevertsByItself() {
    overrides.scale(0.5, TimeUnit.MINUTES.toNanos(10));
    assertEquals(0.5, overrides.rateFactor());
    assertEquals(1, overrides.active());
    clock.advance(Duration.ofMinutes(9));
    assertEquals(List.of(), overrides.expire());
    clock.advance(Duration.ofMinutes(1));
    assertEquals(1.0, overrides.rateFactor());
    assertEquals(List.of("rate scaling by 0.5 ended"), overrides.expire());
  }

  @Test
  void clearEndsEverything() {
    overrides.overrideTier("bob", "enterprise", TimeUnit.MINUTES.toNanos(5));
    overrides.scale(2, TimeUnit.MINUTES.toNanos(5));
    overrides.clear();
    assertEquals(0, overrides.active());
    assertEquals("free", overrides.apply(bob).tier());
  }
}
