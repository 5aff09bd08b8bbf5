package dev.mcpratelimit.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcpratelimit.core.BucketKey;
import dev.mcpratelimit.core.BucketLimit;
import dev.mcpratelimit.core.BucketStore.Charge;
import dev.mcpratelimit.core.NanoClock;
import dev.mcpratelimit.core.Rate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What calls get while Redis is away, on a redis-server of the test's own that it kills. */
class OutageGuardTest {

  private static final BucketLimit FREE = new BucketLimit(10, Rate.perMinute(10));
  private static final Charge[] ALICE = {new Charge(BucketKey.caller("alice"), FREE)};

  private final List<String> log = new CopyOnWriteArrayList<>();
  private RedisServer server;
  private OutageGuard guard;

  @AfterEach
  void stop() {
    if (guard != null) {
      guard.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private OutageGuard guard(RedisSettings settings) {
    guard = new OutageGuard(new RedisBucketStore(settings), NanoClock.system(), 1000, log::add);
    return guard;
  }

  private int admitted(int attempts) {
    int admitted = 0;
    for (int i = 0; i < attempts; i++) {
      admitted += guard.tryConsume(ALICE, 1).admitted() ? 1 : 0;
    }
    return admitted;
  }

  @Test
  void aKilledRedisFallsBackToLocalBucketsOnceAndASharedOneIsUsedAgainWhenItAnswers() throws Exception {
    server = RedisServer.launch();
    guard(RedisSettings.local(server.port()).withOutage(OnOutage.LOCAL, 0.5));
    assertEquals(3, admitted(3));
    server.kill();
    long start = System.nanoTime();
    assertEquals(5, admitted(20), "half of burst 10, in this instance alone");
    assertTrue(System.nanoTime() - start < Duration.ofSeconds(1).toNanos(), "only the first call waited");
    assertTrue(guard.inOutage());
    assertEquals(1, guard.outages());
    assertEquals(20, guard.localDecisions());
    guard.probe();
    assertEquals(1, log.size(), "the start, once: " + log);
    assertTrue(log.get(0).startsWith("Redis at 127.0.0.1:" + server.port() + "/0 does not answer ("), log.get(0));
    assertTrue(log.get(0).contains("on-outage=local: this instance decides alone, granting 0.5 of each limit"), log.get(0));

    server.start();
    guard.probe();
    assertFalse(guard.inOutage());
    assertEquals(2, log.size());
    assertTrue(log.get(1).contains("answers again after") && log.get(1).contains("20 decisions were made without them"),
        log.get(1));
    assertEquals(10, admitted(20), "a restarted Redis forgot everything: a full shared bucket");
  }

  @Test
  void allowLetsEveryCallThroughAndRejectRefusesEvery() throws Exception {
    server = RedisServer.launch();
    server.kill();
    guard(RedisSettings.local(server.port()).withOutage(OnOutage.ALLOW, 1.0));
    assertEquals(50, admitted(50));
    guard.close();
    guard(RedisSettings.local(server.port()).withOutage(OnOutage.REJECT, 1.0));
    assertEquals(0, admitted(5));
    assertEquals(0, guard.peek(ALICE).length - 1);
  }

  @Test
  void aWrongPasswordIsOneClearLineThatNeverHoldsThePassword() throws Exception {
    server = RedisServer.launch("--requirepass", "right-one");
    guard(RedisSettings.local(server.port()).withPassword(null, "s3cret-wrong"));
    assertEquals(10, admitted(12), "local buckets, with the default share of 1.0");
    guard.probe();
    guard.probe();
    assertEquals(1, log.size(), String.valueOf(log));
    assertTrue(log.get(0).contains("WRONGPASS"), log.get(0));
    assertFalse(log.get(0).contains("s3cret-wrong"), log.get(0));
    assertFalse(guard.settings().toString().contains("s3cret-wrong"));
    assertFalse(guard.settings().toString().contains("right-one"));
  }

  @Test
  void theRightPasswordGetsSharedBuckets() throws Exception {
    server = RedisServer.launch("--requirepass", "right-one");
    guard(RedisSettings.local(server.port()).withPassword(null, "right-one"));
    assertEquals(10, admitted(12));
    assertFalse(guard.inOutage());
    assertEquals(List.of(), log);
  }

  @Test
  void aMessageThatWouldHoldThePasswordHasItCutOut() {
    RedisConnection connection = new RedisConnection(RedisSettings.local(1).withPassword("bob", "hunter2"));
    try {
      assertEquals("IllegalStateException: auth hunter2 failed".replace("hunter2", "***"),
          connection.describe(new IllegalStateException("auth hunter2 failed")));
    } finally {
      connection.close();
    }
  }

  /**
   * A Reactor non-blocking thread (Reactor's own Schedulers.parallel(), whose threads implement
   * reactor.core.scheduler.NonBlocking) never asks Redis, even a Redis that is paused far longer
   * than the timeout: the outage rule decides at once, and such calls are counted.
   */
  @Test
  void aCallOnAReactorNonBlockingThreadNeverAsksRedisAndIsDecidedByTheOutageRule() throws Exception {
    server = RedisServer.launch();
    guard(RedisSettings.local(server.port()).withTimeout(Duration.ofSeconds(5)).withOutage(OnOutage.LOCAL, 0.5));
    assertEquals(2, admitted(2), "shared buckets on this (blocking) thread");
    try (redis.clients.jedis.Jedis admin = new redis.clients.jedis.Jedis("127.0.0.1", server.port())) {
      admin.clientPause(3000);
    }
    reactor.core.scheduler.Scheduler parallel = reactor.core.scheduler.Schedulers.newParallel("test-nb", 1);
    try {
      long start = System.nanoTime();
      int admitted = reactor.core.publisher.Mono.fromCallable(() -> {
        assertTrue(reactor.core.scheduler.Schedulers.isInNonBlockingThread(), "Reactor marks the thread");
        assertTrue(NonBlockingThreads.isNonBlocking(Thread.currentThread()), Thread.currentThread().getClass().getName());
        return admitted(8);
      }).subscribeOn(parallel).block();
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertTrue(millis < 1000, "no call waited for the paused Redis: " + millis + " ms");
      assertEquals(5, admitted, "the outage rule: half of burst 10, in this instance");
      assertEquals(8, guard.nonBlockingDecisions());
      assertEquals(8, guard.localDecisions());
      assertFalse(guard.inOutage(), "not an outage: Redis was never asked");
      assertEquals(List.of(), log);
    } finally {
      parallel.dispose();
    }
    assertFalse(NonBlockingThreads.isNonBlocking(Thread.currentThread()));
    assertFalse(NonBlockingThreads.isNonBlocking(new Thread(() -> { })));
  }

  /** What tells the tools/call advice to decide on a worker: a non-blocking thread, outside an outage. */
  @Test
  void aDecisionWouldBlockOnlyANonBlockingThreadAndOnlyWhileRedisIsAsked() throws Exception {
    server = RedisServer.launch();
    guard(RedisSettings.local(server.port()).withTimeout(Duration.ofMillis(200)));
    reactor.core.scheduler.Scheduler parallel = reactor.core.scheduler.Schedulers.newParallel("test-nb", 1);
    try {
      Thread nonBlocking = reactor.core.publisher.Mono.fromCallable(Thread::currentThread).subscribeOn(parallel).block();
      assertTrue(guard.wouldBlock(nonBlocking));
      assertFalse(guard.wouldBlock(Thread.currentThread()), "a servlet or stdio thread may wait");
      server.kill();
      admitted(1);
      assertTrue(guard.inOutage());
      assertFalse(guard.wouldBlock(nonBlocking), "in an outage nothing waits for Redis");
    } finally {
      parallel.dispose();
    }
  }
}
