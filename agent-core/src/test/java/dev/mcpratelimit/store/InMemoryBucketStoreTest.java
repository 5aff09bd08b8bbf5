package dev.mcpratelimit.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.mcpratelimit.core.BucketKey;
import dev.mcpratelimit.core.BucketLimit;
import dev.mcpratelimit.core.BucketStore.Balances;
import dev.mcpratelimit.core.BucketStore.Charge;
import dev.mcpratelimit.core.FakeClock;
import dev.mcpratelimit.core.Rate;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class InMemoryBucketStoreTest {

  private static final BucketLimit FREE = new BucketLimit(10, Rate.perMinute(10));

  private final FakeClock clock = new FakeClock();
  private final InMemoryBucketStore store = new InMemoryBucketStore(clock, 1000, Runnable::run);

  private long[] take(String caller, long tokens) {
    return store.tryConsume(new Charge[] {new Charge(BucketKey.caller(caller), FREE)}, tokens).credit();
  }

  private long held(Charge charge) {
    return store.peek(new Charge[] {charge})[0];
  }

  @Test
  void anIdleBucketInDebtIsKeptUntilItHasRefilledCompletely() {
    take("alice", 10);
    clock.advance(Duration.ofSeconds(59));
    store.cleanUp();
    assertEquals(1, store.size(), "not yet full: dropping it would forgive the debt");
    assertEquals(9, FREE.wholeTokens(held(new Charge(BucketKey.caller("alice"), FREE))));

    clock.advance(Duration.ofSeconds(1));
    store.cleanUp();
    assertEquals(0, store.size(), "full again: nothing is lost by forgetting it");
    assertEquals(FREE.credit(10), held(new Charge(BucketKey.caller("alice"), FREE)));
  }

  @Test
  void theSweepForgetsOnlyFullBucketsAndACallAfterItStartsFull() {
    take("alice", 4);
    take("bob", 10);
    clock.advance(Duration.ofSeconds(24));
    assertEquals(1, store.sweep(), "alice is full again, bob still owes 6 tokens");
    assertEquals(1, store.size());
    assertEquals(FREE.credit(9), take("alice", 1)[0], "a fresh full bucket");
    assertEquals(FREE.credit(3), take("bob", 1)[0], "bob's debt was kept: 4 refilled, 1 taken");
  }

  @Test
  void lookingAtABucketCreatesNone() {
    held(new Charge(BucketKey.caller("nobody"), FREE));
    store.cleanUp();
    assertEquals(0, store.size());
  }

  @Test
  void theSizeBoundHoldsAndCountsTheDebtsItForgives() {
    InMemoryBucketStore small = new InMemoryBucketStore(clock, 100, Runnable::run);
    for (int i = 0; i < 1000; i++) {
      small.tryConsume(new Charge[] {new Charge(BucketKey.caller("caller-" + i), FREE)}, 1);
    }
    small.cleanUp();
    assertEquals(100, small.size());
    assertEquals(900, small.forgivenEvictions());
  }

  @Test
  void aRejectedMultiBucketCallChargesNoneAndReportsWhatEachBucketHolds() {
    BucketLimit tight = new BucketLimit(2, Rate.perMinute(2));
    Charge caller = new Charge(BucketKey.caller("bob"), FREE);
    Charge tool = new Charge(BucketKey.callerTool("bob", "search"), tight);
    Charge global = new Charge(BucketKey.toolGlobal("search"), FREE);
    Charge[] charges = {caller, tool, global};
    store.tryConsume(charges, 2);
    Balances balances = store.tryConsume(charges, 2);
    assertFalse(balances.admitted());
    assertEquals(FREE.credit(8), balances.credit()[0], "8 held, after the refund");
    assertEquals(0, balances.credit()[1], "the bucket that lacked the cost");
    assertEquals(FREE.credit(8), balances.credit()[2]);
    assertEquals(FREE.credit(8), held(caller));
    assertEquals(FREE.credit(8), held(global), "the global bucket was not charged either");
  }
}
