package dev.mcpratelimit.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.mcpratelimit.runtime.ToolCallVerdict.Proceed;
import dev.mcpratelimit.runtime.ToolCallVerdict.Reject;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The operator's JMX surface, on a real runtime: each lever, and refusals that leave no trace. */
class OperatorControlsTest {

  private static final HttpOrigin CLIENT = new HttpOrigin(null, "203.0.113.9", null);
  private static final String ANON = "anon:203.0.113.9";

  @TempDir
  Path dir;

  private static int admitted(TestRuntime test, int attempts) {
    int admitted = 0;
    for (int i = 0; i < attempts; i++) {
      if (test.guard().check("get_track", true, CLIENT) instanceof Proceed) {
        admitted++;
      }
    }
    return admitted;
  }

  @Test
  void aTierOverrideHoldsForItsMinutesThenEndsByItself() {
    TestRuntime test = new TestRuntime(dir, "");
    assertEquals(ANON + " is on tier basic for 1 min", test.operator().overrideTier(ANON, "basic", 1),
        "the operator is told what changed");
    assertEquals(1, test.operator().getActiveOverrides());
    assertEquals(60, admitted(test, 100));
    test.advance(Duration.ofMinutes(1));
    test.runtime.housekeeping();
    assertEquals(0, test.operator().getActiveOverrides());
    assertEquals(10, admitted(test, 100), "back on free, with its tokens capped at free's burst");
  }

  @Test
  void scalingTheRatesTakesEffectAtOnceAndClearingEndsIt() {
    TestRuntime test = new TestRuntime(dir, "");
    test.operator().scaleRates(0.5, 10);
    assertEquals(0.5, test.operator().getRateFactor());
    assertEquals(5, admitted(test, 20));
    test.operator().clearOverrides();
    assertEquals(1.0, test.operator().getRateFactor());
    assertEquals(0, test.operator().getActiveOverrides());
    assertEquals(0, admitted(test, 20), "raising the limit gives nobody free tokens");
    test.advance(Duration.ofSeconds(6));
    assertEquals(1, admitted(test, 20), "back to 10/min: one token per 6 s");
  }

  @Test
  void theModeHoldsUntilTheFileIsReloaded() {
    TestRuntime test = new TestRuntime(dir, "");
    test.operator().changeMode("off");
    assertEquals("off", test.operator().getMode());
    assertEquals(50, admitted(test, 50));
    test.rewrite("tier.free.rate=10/min\n");
    assertEquals("enforce", test.operator().getMode());
    assertEquals(1, test.operator().getReloadCount());
    assertEquals(10, admitted(test, 50));
  }

  @Test
  void resettingACallerGivesItFullBuckets() {
    TestRuntime test = new TestRuntime(dir, "");
    assertEquals(10, admitted(test, 20));
    test.operator().resetCaller(ANON);
    assertEquals(10, admitted(test, 20));
  }

  @Test
  void aRefusedActionChangesNothing() {
    TestRuntime test = new TestRuntime(dir, "");
    assertThrows(IllegalArgumentException.class, () -> test.operator().overrideTier(ANON, "platinum", 5));
    assertThrows(IllegalArgumentException.class, () -> test.operator().overrideTier(ANON, "basic", 0));
    assertThrows(IllegalArgumentException.class, () -> test.operator().scaleRates(0, 5));
    assertThrows(IllegalArgumentException.class, () -> test.operator().scaleRates(2, -1));
    assertThrows(IllegalArgumentException.class, () -> test.operator().changeMode("loud"));
    assertEquals(0, test.operator().getActiveOverrides());
    assertEquals(1.0, test.operator().getRateFactor());
    assertEquals("enforce", test.operator().getMode());
    assertEquals(10, admitted(test, 20));
    assertInstanceOf(Reject.class, test.guard().check("get_track", true, CLIENT));
  }

  @Test
  void unknownCallersAndMissingArgumentsAreRefusedWithAClearMessage() {
    TestRuntime test = new TestRuntime(dir, "caller.alice.tier=basic\n");
    IllegalArgumentException typo = assertThrows(IllegalArgumentException.class,
        () -> test.operator().overrideTier("alcie", "premium", 5));
    assertEquals(true, typo.getMessage().startsWith("unknown caller \"alcie\": callers are named by"), typo.getMessage());
    assertThrows(IllegalArgumentException.class, () -> test.operator().resetCaller("anon:not-an-address"));
    for (String missing : new String[] {null}) {
      assertEquals("unknown caller (none given)", assertThrows(IllegalArgumentException.class,
          () -> test.operator().overrideTier(missing, "basic", 5)).getMessage().split(":")[0]);
      assertEquals(true, assertThrows(IllegalArgumentException.class,
          () -> test.operator().overrideTier("alice", missing, 5)).getMessage().startsWith("unknown tier (none given)"));
      assertEquals(true, assertThrows(IllegalArgumentException.class,
          () -> test.operator().changeMode(missing)).getMessage().endsWith("not (none given)"));
    }
    assertEquals(0, test.operator().getActiveOverrides());
    test.operator().overrideTier("alice", "premium", 5);
    test.operator().overrideTier(ANON, "basic", 5);
    test.operator().overrideTier("anonymous", "basic", 5);
    test.operator().resetCaller("anon:::1");
    assertEquals(3, test.operator().getActiveOverrides());
  }

  @Test
  void aScalingThatOverflowsABucketIsRefusedAndLeavesNoTrace() {
    // 1/s with a burst of 9e9 is 9e18 credit; tripled it no longer fits in a long.
    TestRuntime test = new TestRuntime(dir, "tier.huge.rate=1/s\ntier.huge.burst=9000000000\n");
    assertThrows(IllegalArgumentException.class, () -> test.operator().scaleRates(3, 5));
    assertEquals(1.0, test.operator().getRateFactor());
    assertEquals(0, test.operator().getActiveOverrides());
    test.rewrite("tier.huge.rate=1/s\ntier.huge.burst=9000000000\ntier.free.rate=20/min\n");
    assertEquals(1, test.operator().getReloadCount(), "later reloads still work");
    assertEquals(20, admitted(test, 40));
  }
}
