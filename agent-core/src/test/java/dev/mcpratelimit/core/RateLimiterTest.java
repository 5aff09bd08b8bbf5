package dev.mcpratelimit.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcpratelimit.store.BucketAdmin;
import dev.mcpratelimit.store.TestStores;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * Decision sequences, run against each store: in memory, and in a real Redis (timed by this test's
 * clock, see {@link TestStores}) and in a real three-master Redis Cluster, which must agree decision
 * for decision.
 */
@ParameterizedClass
@ValueSource(strings = {"memory", "redis", "redis-cluster"})
class RateLimiterTest {

  static final Map<String, BucketLimit> DEFAULT_TIERS = Map.of(
      "free", BucketLimit.ofRate(Rate.perMinute(10)),
      "basic", BucketLimit.ofRate(Rate.perMinute(60)),
      "premium", BucketLimit.ofRate(Rate.perMinute(300)),
      "enterprise", BucketLimit.ofRate(Rate.perMinute(1000)));

  @Parameter
  String storeKind;

  private final FakeClock clock = new FakeClock();
  private BucketStore store;

  @BeforeEach
  void createStore() {
    store = TestStores.create(storeKind, clock);
  }

  static Policy policy(Mode mode, ToolPolicy... tools) {
    Map<String, ToolPolicy> byName = new java.util.HashMap<>();
    for (ToolPolicy tool : tools) {
      byName.put(tool.name(), tool);
    }
    return new Policy(DEFAULT_TIERS, "free", byName, mode);
  }

  private RateLimiter limiter(ToolPolicy... tools) {
    return new RateLimiter(store, policy(Mode.ENFORCE, tools));
  }

  private static int admittedOf(RateLimiter limiter, String caller, String tier, String tool, int attempts) {
    int admitted = 0;
    for (int i = 0; i < attempts; i++) {
      if (limiter.decide(caller, tier, tool).outcome() == Outcome.ALLOWED) {
        admitted++;
      }
    }
    return admitted;
  }

  @ParameterizedTest
  @CsvSource({"free,10", "basic,60", "premium,300", "enterprise,1000"})
  void eachDefaultTierAdmitsExactlyItsBurstThenExactlyItsRate(String tier, int perMinute) {
    RateLimiter limiter = limiter();
    assertEquals(perMinute, admittedOf(limiter, "alice", tier, "get_track", perMinute * 3));

    long interval = TimeUnit.MINUTES.toNanos(1) / perMinute;
    for (int step = 0; step < 5; step++) {
      clock.advanceNanos(interval - 1);
      assertEquals(0, admittedOf(limiter, "alice", tier, "get_track", 3), "one nanosecond early");
      clock.advanceNanos(1);
      assertEquals(1, admittedOf(limiter, "alice", tier, "get_track", 3), "exactly one token per interval");
    }
    clock.advance(Duration.ofMinutes(1));
    assertEquals(perMinute, admittedOf(limiter, "alice", tier, "get_track", perMinute * 3), "a minute refills the rate");
  }

  @Test
  void refillAfterSixSecondsOnFreeGivesExactlyOneMoreCall() {
    RateLimiter limiter = limiter();
    assertEquals(10, admittedOf(limiter, "bob", "free", "get_track", 20));
    Decision rejected = limiter.decide("bob", "free", "get_track");
    assertEquals(Outcome.REJECTED, rejected.outcome());
    assertEquals(6, rejected.retryAfterSeconds());
    assertEquals(TimeUnit.SECONDS.toNanos(6), rejected.nanosUntilAllowed());
    clock.advance(Duration.ofSeconds(6));
    assertEquals(1, admittedOf(limiter, "bob", "free", "get_track", 5));
  }

  @Test
  void costFiveTakesFiveTokens() {
    RateLimiter limiter = limiter(new ToolPolicy("recommend_tracks", 5, Map.of(), null));
    Decision first = limiter.decide("carol", "free", "recommend_tracks");
    assertEquals(5, first.remaining());
    assertEquals(5, limiter.decide("carol", "free", "recommend_tracks").cost());
    Decision third = limiter.decide("carol", "free", "recommend_tracks");
    assertEquals(Outcome.REJECTED, third.outcome());
    assertEquals(0, third.remaining());
    assertEquals(30, third.retryAfterSeconds(), "five tokens at one per 6 s");
    clock.advance(Duration.ofSeconds(24));
    assertEquals(Outcome.ALLOWED, limiter.decide("carol", "free", "get_track").outcome(), "cheap calls still fit");
    assertEquals(Outcome.REJECTED, limiter.decide("carol", "free", "recommend_tracks").outcome());
  }

  @Test
  void aPerToolLimitBindsAndItsRejectionChargesTheCallerNothing() {
    ToolPolicy search = new ToolPolicy("search_tracks", 1,
        Map.of("free", new BucketLimit(5, Rate.perMinute(5))), null);
    RateLimiter limiter = limiter(search);
    assertEquals(5, admittedOf(limiter, "dave", "free", "search_tracks", 5));
    for (int i = 0; i < 3; i++) {
      Decision rejected = limiter.decide("dave", "free", "search_tracks");
      assertEquals(Outcome.REJECTED, rejected.outcome());
      assertEquals(Scope.CALLER_TOOL, rejected.scope());
      assertEquals(5, rejected.limit().capacity());
      assertEquals(12, rejected.retryAfterSeconds());
    }
    assertEquals(5, admittedOf(limiter, "dave", "free", "get_track", 10), "rejected calls took no caller tokens");
    assertEquals(10, admittedOf(limiter, "erin", "basic", "search_tracks", 10),
        "basic has no limit for the tool, only its tier bucket");
  }

  @Test
  void theGlobalToolBucketBindsAcrossCallers() {
    ToolPolicy search = new ToolPolicy("search_tracks", 1, Map.of(), new BucketLimit(3, Rate.perMinute(3)));
    RateLimiter limiter = limiter(search);
    assertEquals(2, admittedOf(limiter, "alice", "premium", "search_tracks", 2));
    assertEquals(1, admittedOf(limiter, "bob", "enterprise", "search_tracks", 5));
    Decision rejected = limiter.decide("carol", "free", "search_tracks");
    assertEquals(Scope.TOOL_GLOBAL, rejected.scope());
    assertEquals(3, rejected.limit().capacity());
    assertEquals(20, rejected.retryAfterSeconds());
  }

  @Test
  void theBindingBucketIsTheOneWithFewestTokensLeft() {
    ToolPolicy search = new ToolPolicy("search_tracks", 1,
        Map.of("premium", new BucketLimit(4, Rate.perMinute(4))), new BucketLimit(100, Rate.perMinute(100)));
    RateLimiter limiter = limiter(search);
    Decision decision = limiter.decide("alice", "premium", "search_tracks");
    assertEquals(Scope.CALLER_TOOL, decision.scope());
    assertEquals(3, decision.remaining());
    assertEquals(TimeUnit.SECONDS.toNanos(15), decision.nanosUntilFull());
    assertEquals(15, decision.secondsUntilFull());
    Decision plain = limiter.decide("alice", "premium", "get_track");
    assertEquals(Scope.CALLER, plain.scope());
    assertEquals(298, plain.remaining());
  }

  @Test
  void retryAfterIsTheWaitThatWorks() {
    ToolPolicy costly = new ToolPolicy("recommend_tracks", 3, Map.of(), null);
    RateLimiter limiter = limiter(costly);
    limiter.decide("frank", "free", "recommend_tracks");
    limiter.decide("frank", "free", "recommend_tracks");
    limiter.decide("frank", "free", "recommend_tracks");
    Decision rejected = limiter.decide("frank", "free", "recommend_tracks");
    assertEquals(Outcome.REJECTED, rejected.outcome());
    assertEquals(1, rejected.remaining());
    assertEquals(TimeUnit.SECONDS.toNanos(12), rejected.nanosUntilAllowed());
    clock.advanceNanos(rejected.nanosUntilAllowed() - 1);
    assertEquals(Outcome.REJECTED, limiter.decide("frank", "free", "recommend_tracks").outcome());
    clock.advanceNanos(1);
    assertEquals(Outcome.ALLOWED, limiter.decide("frank", "free", "recommend_tracks").outcome());
  }

  @Test
  void shadowModeLetsEverythingThroughAndMarksWouldBeRejections() {
    RateLimiter limiter = new RateLimiter(store, policy(Mode.SHADOW));
    for (int i = 0; i < 10; i++) {
      assertEquals(Outcome.ALLOWED, limiter.decide("gina", "free", "get_track").outcome());
    }
    Decision shadow = limiter.decide("gina", "free", "get_track");
    assertEquals(Outcome.SHADOW_REJECTED, shadow.outcome());
    assertTrue(shadow.admitted());
    assertEquals(6, shadow.retryAfterSeconds());
  }

  @Test
  void offModeLimitsNothing() {
    Decision decision = new RateLimiter(store, policy(Mode.OFF)).decide("hank", "free", "get_track");
    assertEquals(Outcome.NOT_LIMITED, decision.outcome());
    assertNull(decision.scope());
    assertEquals(0, ((BucketAdmin) store).size(), "no bucket was even created");
  }

  @Test
  void aCallWithinACallChargesOnlyItsOwnBuckets() {
    ToolPolicy upstream = new ToolPolicy("upstream", 1, Map.of("free", new BucketLimit(3, Rate.perMinute(3))), null);
    RateLimiter limiter = limiter(upstream);
    for (int i = 0; i < 3; i++) {
      assertEquals(Scope.CALLER_TOOL, limiter.decideWithinCall("kate", "free", "upstream").scope());
    }
    assertEquals(Outcome.REJECTED, limiter.decideWithinCall("kate", "free", "upstream").outcome());
    assertEquals(10, admittedOf(limiter, "kate", "free", "get_track", 20), "the tier bucket was not touched");
    assertEquals(Outcome.NOT_LIMITED, limiter.decideWithinCall("kate", "free", "get_track").outcome(),
        "a method with no limits of its own is not limited within a call");
  }

  @Test
  void statusShowsEveryBucketThatAppliesWithoutChargingAny() {
    ToolPolicy search = new ToolPolicy("search_tracks", 2,
        Map.of("free", new BucketLimit(5, Rate.perMinute(5))), new BucketLimit(100, Rate.perMinute(100)));
    ToolPolicy other = new ToolPolicy("get_album", 1, Map.of("premium", new BucketLimit(3, Rate.perMinute(3))), null);
    RateLimiter limiter = limiter(search, other);
    limiter.decide("lena", "free", "search_tracks");
    List<BucketStatus> status = limiter.status("lena", "free");
    assertEquals(List.of(
        new BucketStatus(Scope.CALLER, null, DEFAULT_TIERS.get("free"), 1, 8, TimeUnit.SECONDS.toNanos(12)),
        new BucketStatus(Scope.CALLER_TOOL, "search_tracks", search.tierLimits().get("free"), 2, 3, TimeUnit.SECONDS.toNanos(24)),
        new BucketStatus(Scope.TOOL_GLOBAL, "search_tracks", search.global(), 2, 98, TimeUnit.MILLISECONDS.toNanos(1200))),
        status, "get_album has no limit for free callers");
    assertEquals(status, limiter.status("lena", "free"), "looking charged nothing");
  }

  @Test
  void scalingTheTiersTakesEffectAtOnceAndExactly() {
    Policy base = policy(Mode.ENFORCE);
    RateLimiter limiter = new RateLimiter(store, base.withTiersScaled(0.5));
    assertEquals(5, admittedOf(limiter, "nina", "free", "get_track", 20), "burst 10 halved");
    clock.advance(Duration.ofSeconds(12));
    assertEquals(1, admittedOf(limiter, "nina", "free", "get_track", 20), "5/min: one token per 12 s");
    limiter = new RateLimiter(store, base);
    clock.advance(Duration.ofSeconds(6));
    assertEquals(1, admittedOf(limiter, "nina", "free", "get_track", 20), "back to 10/min: one per 6 s");
    assertEquals(new BucketLimit(3, new Rate(3600, TimeUnit.DAYS)),
        DEFAULT_TIERS.get("free").scaled(0.25), "2.5/min stays exact as 3600/day");
  }

  @Test
  void anUnknownTierFallsBackToTheDefaultTier() {
    RateLimiter limiter = limiter();
    Decision decision = limiter.decide("ivan", "platinum", "get_track");
    assertEquals("free", decision.tier());
    assertEquals(10, decision.limit().capacity());
  }

  @Test
  void aNewPolicyKeepsTokensCappedAtTheNewBurst() {
    RateLimiter limiter = limiter();
    assertEquals(4, admittedOf(limiter, "judy", "basic", "get_track", 4));
    Map<String, BucketLimit> tiers = new java.util.HashMap<>(DEFAULT_TIERS);
    tiers.put("basic", new BucketLimit(30, Rate.perMinute(30)));
    limiter = new RateLimiter(store, new Policy(tiers, "free", Map.of(), Mode.ENFORCE));
    Decision after = limiter.decide("judy", "basic", "get_track");
    assertEquals(29, after.remaining(), "56 tokens left, capped at 30, minus this call");
  }

  @Test
  void aDeniedTierGetsUnavailableAndNoBucketIsCharged() {
    ToolPolicy recommend = new ToolPolicy("recommend_tracks", 1, Map.of(), null, java.util.Set.of("free"));
    RateLimiter limiter = limiter(recommend);
    Decision decision = limiter.decide("olga", "free", "recommend_tracks");
    assertEquals(Outcome.UNAVAILABLE, decision.outcome());
    assertEquals("tool.recommend_tracks.tier.free.allowed=false", decision.unavailableReason());
    assertEquals(false, decision.admitted());
    assertEquals(10, admittedOf(limiter, "olga", "free", "get_track", 20), "nothing was charged");
    assertEquals(Outcome.ALLOWED, limiter.decide("oscar", "basic", "recommend_tracks").outcome());
  }

  @Test
  void aCostNoBucketOfTheTierCanHoldIsUnavailableThereAndOnlyThere() {
    ToolPolicy costly = new ToolPolicy("recommend_tracks", 20, Map.of(), null);
    RateLimiter limiter = limiter(costly);
    Decision free = limiter.decide("pia", "free", "recommend_tracks");
    assertEquals(Outcome.UNAVAILABLE, free.outcome());
    assertEquals("cost 20 exceeds the tier's burst of 10", free.unavailableReason());
    assertEquals(Outcome.ALLOWED, limiter.decide("pia", "basic", "recommend_tracks").outcome());
  }

  @Test
  void emergencyScalingThatMakesACostUnaffordableMakesTheToolUnavailableUntilItEnds() {
    ToolPolicy costly = new ToolPolicy("recommend_tracks", 8, Map.of(), null);
    Policy base = policy(Mode.ENFORCE, costly);
    assertEquals(Outcome.UNAVAILABLE,
        new RateLimiter(store, base.withTiersScaled(0.5)).decide("quin", "free", "recommend_tracks").outcome(),
        "free's burst of 10 halved to 5 cannot hold 8: no Retry-After could come true");
    assertEquals(Outcome.ALLOWED, new RateLimiter(store, base).decide("quin", "free", "recommend_tracks").outcome());
  }

  @Test
  void inShadowModeAToolTheTierMayNotCallIsLetThroughAndCounted() {
    ToolPolicy recommend = new ToolPolicy("recommend_tracks", 20, Map.of(), null, java.util.Set.of("basic"));
    RateLimiter limiter = new RateLimiter(store, policy(Mode.SHADOW, recommend));
    for (String tier : List.of("free", "basic")) {
      Decision decision = limiter.decide("rita-" + tier, tier, "recommend_tracks");
      assertEquals(Outcome.SHADOW_REJECTED, decision.outcome(), tier);
      assertTrue(decision.admitted(), "shadow mode never refuses");
      assertNull(decision.scope(), "no bucket decided it");
    }
  }
}
