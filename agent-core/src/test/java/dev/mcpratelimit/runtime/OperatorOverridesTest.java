package dev.mcpratelimit.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.mcpratelimit.core.FakeClock;
import dev.mcpratelimit.identity.ResolvedCaller;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class OperatorOverridesTest {

  private final FakeClock clock = new FakeClock();
  private final ResolvedCaller bob = new ResolvedCaller("bob", "free", true);

  private long in(long minutes) {
    return clock.nanoTime() + TimeUnit.MINUTES.toNanos(minutes);
  }

  @Test
  void aTierOverrideHoldsForItsTimeThenRevertsByItself() {
    OperatorOverrides overrides = OperatorOverrides.NONE.withTier("bob", "enterprise", in(5));
    assertEquals("enterprise", overrides.apply(bob, clock.nanoTime()).tier());
    assertEquals("free", overrides.apply(new ResolvedCaller("eve", "free", true), clock.nanoTime()).tier());
    clock.advance(Duration.ofMinutes(5));
    assertEquals("free", overrides.apply(bob, clock.nanoTime()).tier(), "expired overrides never apply");
    OperatorOverrides.Expiry expiry = overrides.expire(clock.nanoTime());
    assertEquals(List.of("tier override of bob (tier enterprise) ended"), expiry.ended());
    assertEquals(0, expiry.remaining().active());
  }

  @Test
  void rateScalingHoldsForItsTimeThenRevertsByItself() {
    OperatorOverrides overrides = OperatorOverrides.NONE.withScaling(0.5, in(10));
    assertEquals(0.5, overrides.rateFactor(clock.nanoTime()));
    assertEquals(1, overrides.active());
    clock.advance(Duration.ofMinutes(9));
    assertEquals(List.of(), overrides.expire(clock.nanoTime()).ended());
    assertSame(overrides, overrides.expire(clock.nanoTime()).remaining(), "nothing ended, nothing changed");
    clock.advance(Duration.ofMinutes(1));
    assertEquals(1.0, overrides.rateFactor(clock.nanoTime()));
    assertEquals(List.of("rate scaling by 0.5 ended"), overrides.expire(clock.nanoTime()).ended());
  }

  @Test
  void noneEndsEverything() {
    OperatorOverrides overrides = OperatorOverrides.NONE.withTier("bob", "enterprise", in(5)).withScaling(2, in(5));
    assertEquals(2, overrides.active());
    assertEquals(0, OperatorOverrides.NONE.active());
    assertEquals("free", OperatorOverrides.NONE.apply(bob, clock.nanoTime()).tier());
  }
}
