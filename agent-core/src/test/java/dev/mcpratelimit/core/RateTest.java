package dev.mcpratelimit.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RateTest {

  @Test
  void theDefaultBurstIsOneMinuteOfTheRateRoundedUpAndAtLeastOne() {
    assertEquals(10, Rate.perMinute(10).oneMinuteOfTokens());
    assertEquals(300, Rate.perSecond(5).oneMinuteOfTokens());
    assertEquals(2, Rate.perHour(100).oneMinuteOfTokens());
    assertEquals(1, new Rate(100, TimeUnit.DAYS).oneMinuteOfTokens());
  }

  @Test
  void aRateMustBePositiveAndNoFinerThanSeconds() {
    assertThrows(IllegalArgumentException.class, () -> Rate.perMinute(0));
    assertThrows(IllegalArgumentException.class, () -> new Rate(1, TimeUnit.MILLISECONDS));
  }

  @Test
  void printsAsConfigured() {
    assertEquals("10/min", Rate.perMinute(10).toString());
    assertEquals("5/s", Rate.perSecond(5).toString());
    assertEquals("3/day", new Rate(3, TimeUnit.DAYS).toString());
  }
}
