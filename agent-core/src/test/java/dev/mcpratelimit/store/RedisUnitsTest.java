package dev.mcpratelimit.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcpratelimit.core.BucketLimit;
import dev.mcpratelimit.core.Rate;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RedisUnitsTest {

  @Test
  void aRedisCreditConvertsExactlyToTheJvmsUnits() {
    for (TimeUnit unit : new TimeUnit[] {TimeUnit.SECONDS, TimeUnit.MINUTES, TimeUnit.HOURS, TimeUnit.DAYS}) {
      for (long tokens = 1; tokens <= 2000; tokens += 7) {
        BucketLimit limit = new BucketLimit(Math.min(tokens, 1000), new Rate(tokens, unit));
        RedisUnits units = RedisUnits.of(limit);
        assertEquals(limit.credit(1), units.toJava(units.creditPerToken()), limit + ": a token");
        assertEquals(limit.credit(limit.capacity()), units.toJava(units.capacity() * units.creditPerToken()));
        // A microsecond of refill is worth the same on both sides: 1000 ns of the JVM's.
        assertEquals(1000, limit.nanosUntilFull(limit.credit(limit.capacity()) - units.toJava(units.creditPerMicro())),
            limit + ": a microsecond");
      }
    }
  }

  @Test
  void everyNumberTheScriptMeetsStaysWithinTwoToThe53() {
    // Per minute, any burst up to 150 million tokens fits: a token is at most 6e7 credit.
    RedisUnits minute = RedisUnits.of(new BucketLimit(150_000_000, new Rate(1, TimeUnit.MINUTES)));
    assertTrue(minute.capacity() * minute.creditPerToken() + minute.creditPerMicro() <= RedisUnits.MAX_EXACT);
    // Per day with a rate coprime to the period: a token is 8.64e10 credit, so about 104,000 tokens at most.
    RedisUnits.of(new BucketLimit(104_000, new Rate(7, TimeUnit.DAYS)));
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
        () -> RedisUnits.of(new BucketLimit(105_000, new Rate(7, TimeUnit.DAYS))));
    assertTrue(refused.getMessage().contains("2^53"), refused.getMessage());
    // The defaults and the status tool's limit are far inside.
    assertTrue(RedisBucketStore.checkExact(new BucketLimit(1000, Rate.perMinute(1000))).isEmpty());
  }
}
