package dev.mcpratelimit.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TokenBucketTest {

  private final FakeClock clock = new FakeClock();

  private static long tokens(BucketLimit limit, long count) {
    return limit.credit(count);
  }

  @Test
  void startsFullAndNeverAdmitsMoreThanItHolds() {
    BucketLimit limit = new BucketLimit(3, Rate.perMinute(3));
    TokenBucket bucket = new TokenBucket(limit, clock.nanoTime());
    assertEquals(tokens(limit, 2), bucket.tryConsume(limit, tokens(limit, 1), clock.nanoTime()));
    assertEquals(tokens(limit, 0), bucket.tryConsume(limit, tokens(limit, 2), clock.nanoTime()));
    long refused = bucket.tryConsume(limit, tokens(limit, 1), clock.nanoTime());
    assertEquals(-tokens(limit, 1), refused, "negative balance is the missing credit");
    assertEquals(0, bucket.available(limit, clock.nanoTime()), "a refusal takes nothing");
  }

  @Test
  void refillsContinuouslyAndExactlyWithoutDrift() {
    // 7/min: a token every 8.571428571... s, which no whole number of nanoseconds expresses.
    BucketLimit limit = new BucketLimit(2, Rate.perMinute(7));
    TokenBucket bucket = new TokenBucket(limit, clock.nanoTime());
    long start = clock.nanoTime();
    long admitted = bucket.tryConsume(limit, tokens(limit, 1), start) >= 0 ? 1 : 0;
    long step = 1_234_567_891L; // an awkward step, so refill lands mid-token most of the time
    for (int i = 0; i < 2_000_000; i++) {
      clock.advanceNanos(step);
      if (bucket.tryConsume(limit, tokens(limit, 1), clock.nanoTime()) >= 0) {
        admitted++;
      }
    }
    long elapsed = clock.nanoTime() - start;
    long held = bucket.available(limit, clock.nanoTime());
    // Calls come faster than tokens, so the bucket never overflows: every bit of credit earned in
    // 2.5e15 ns is either spent or held, with not one unit lost or invented.
    assertEquals(limit.capacityCredit() + elapsed * limit.creditPerNano(), admitted * limit.credit(1) + held);
    assertEquals(2 + elapsed * 7 / TimeUnit.MINUTES.toNanos(1), admitted + limit.wholeTokens(held));
  }

  @Test
  void refundRestoresWhatWasTakenButNotBeyondCapacity() {
    BucketLimit limit = new BucketLimit(5, Rate.perMinute(5));
    TokenBucket bucket = new TokenBucket(limit, clock.nanoTime());
    bucket.tryConsume(limit, tokens(limit, 2), clock.nanoTime());
    bucket.refund(limit, tokens(limit, 2), clock.nanoTime());
    assertEquals(tokens(limit, 5), bucket.available(limit, clock.nanoTime()));
    bucket.refund(limit, tokens(limit, 2), clock.nanoTime());
    assertEquals(tokens(limit, 5), bucket.available(limit, clock.nanoTime()));
  }

  @Test
  void aNewLimitKeepsTheTokensCappedAtTheNewBurst() {
    BucketLimit ten = new BucketLimit(10, Rate.perMinute(10));
    TokenBucket bucket = new TokenBucket(ten, clock.nanoTime());
    bucket.tryConsume(ten, tokens(ten, 4), clock.nanoTime());

    BucketLimit twenty = new BucketLimit(20, Rate.perMinute(20));
    assertEquals(6, twenty.wholeTokens(bucket.available(twenty, clock.nanoTime())), "no tokens are given away");

    BucketLimit five = new BucketLimit(5, Rate.perHour(5));
    assertEquals(5, five.wholeTokens(bucket.tryConsume(five, 0, clock.nanoTime())), "capped at the new burst");
    assertEquals(true, bucket.isFull(clock.nanoTime()), "full, measured against the new limit");
  }

  @Test
  void onlyAFullBucketRetiresAndARetiredOneIsNeverCharged() {
    BucketLimit limit = new BucketLimit(2, Rate.perMinute(2));
    TokenBucket bucket = new TokenBucket(limit, clock.nanoTime());
    bucket.tryConsume(limit, tokens(limit, 1), clock.nanoTime());
    assertEquals(false, bucket.retireIfFull(clock.nanoTime()), "it owes a token");
    clock.advance(java.time.Duration.ofSeconds(30));
    assertEquals(true, bucket.retireIfFull(clock.nanoTime()));
    assertEquals(TokenBucket.RETIRED, bucket.tryConsume(limit, tokens(limit, 1), clock.nanoTime()));
    assertEquals(tokens(limit, 2), bucket.available(limit, clock.nanoTime()));
  }

  @Test
  void aLongIdlePeriodFillsTheBucketWithoutOverflow() {
    BucketLimit limit = new BucketLimit(1000, Rate.perSecond(1000));
    TokenBucket bucket = new TokenBucket(limit, clock.nanoTime());
    bucket.tryConsume(limit, tokens(limit, 1000), clock.nanoTime());
    clock.advanceNanos(Long.MAX_VALUE / 2);
    assertEquals(tokens(limit, 1000), bucket.available(limit, clock.nanoTime()));
  }

  @Test
  void aClockReadBeforeTheLastUpdateNeverAddsOrRemovesTokens() {
    BucketLimit limit = new BucketLimit(2, Rate.perMinute(2));
    long earlier = clock.nanoTime();
    clock.advanceNanos(10);
    TokenBucket bucket = new TokenBucket(limit, clock.nanoTime());
    assertEquals(tokens(limit, 1), bucket.tryConsume(limit, tokens(limit, 1), earlier));
  }
}
