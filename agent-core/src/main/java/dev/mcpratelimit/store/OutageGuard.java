package dev.mcpratelimit.store;

import dev.mcpratelimit.core.BucketLimit;
import dev.mcpratelimit.core.BucketStore;
import dev.mcpratelimit.core.NanoClock;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The Redis store as the decision path sees it: shared buckets while Redis answers, the
 * {@code store.redis.on-outage} rule while it does not.
 *
 * <p>The first call that fails (past the timeout, refused, not authenticated) starts an outage:
 * logged once, counted, and from then on calls do not wait for Redis at all. {@link #probe}, run
 * every second by the agent, ends it as soon as Redis answers again (logged once). So a dead Redis
 * costs one call at most the timeout, and every other call nothing.
 *
 * <p>A call on a thread that must never block (a Reactor non-blocking thread or a Netty event
 * loop, see {@link NonBlockingThreads}) does not ask Redis. A {@code tools/call} is not decided
 * there at all ({@link #wouldBlock}: the advice chains its decision onto a worker); anything else
 * that reaches the store there (a limited method called on an event loop) is decided by the outage
 * rule, on buckets of its own outside an outage, and counted ({@link #nonBlockingDecisions}).
 */
public final class OutageGuard implements BucketStore, BucketAdmin, AutoCloseable {

  private final RedisBucketStore redis;
  private final RedisSettings settings;
  private final NanoClock clock;
  private final long maxLocalBuckets;
  private final Consumer<String> log;
  private final LongAdder localDecisions = new LongAdder();
  private final LongAdder nonBlockingDecisions = new LongAdder();
  /** With {@link OnOutage#LOCAL}: the buckets of calls on non-blocking threads outside an outage. */
  private volatile InMemoryBucketStore nonBlockingLocal;
  private long outages;
  private long outageStart;
  private long localAtStart;
  private volatile boolean inOutage;
  private volatile StoreEvents events = StoreEvents.NONE;
  /** The buckets of {@link OnOutage#LOCAL} during an outage; each outage starts with full ones. */
  private volatile InMemoryBucketStore local;

  /**
   * @param maxLocalBuckets the bound on buckets kept in this JVM during an outage
   * @param log where the start and the end of an outage are told (once each)
   */
  public OutageGuard(RedisBucketStore redis, NanoClock clock, long maxLocalBuckets, Consumer<String> log) {
    this.redis = redis;
    this.settings = redis.connection().settings();
    this.clock = clock;
    this.maxLocalBuckets = maxLocalBuckets;
    this.log = log;
  }

  @Override
  public Balances tryConsume(Charge[] charges, long tokens) {
    boolean nonBlocking = NonBlockingThreads.isNonBlocking(Thread.currentThread());
    if (nonBlocking) {
      nonBlockingDecisions.increment();
    } else if (!inOutage) {
      try {
        long begin = System.nanoTime();
        Balances balances = redis.tryConsume(charges, tokens);
        events.roundTrip(System.nanoTime() - begin);
        return balances;
      } catch (JedisException e) {
        failed(e);
        startOutage(e);
      }
    }
    localDecisions.increment();
    return switch (settings.onOutage()) {
      case ALLOW -> new Balances(true, full(charges));
      case REJECT -> new Balances(false, new long[charges.length]);
      case LOCAL -> {
        InMemoryBucketStore store = localStore(nonBlocking);
        Charge[] scaled = scaled(charges);
        Balances balances = store.tryConsume(scaled, tokens);
        yield new Balances(balances.admitted(), unscaled(charges, scaled, balances.credit()));
      }
    };
  }

  @Override
  public long[] peek(Charge[] charges) {
    boolean nonBlocking = NonBlockingThreads.isNonBlocking(Thread.currentThread());
    if (!nonBlocking && !inOutage) {
      try {
        return redis.peek(charges);
      } catch (JedisException e) {
        failed(e);
        startOutage(e);
      }
    }
    if (settings.onOutage() != OnOutage.LOCAL) {
      return full(charges);
    }
    Charge[] scaled = scaled(charges);
    return unscaled(charges, scaled, localStore(nonBlocking).peek(scaled));
  }

  /** Ends an outage if Redis answers now. Quiet while it still does not. */
  public void probe() {
    if (!inOutage) {
      return;
    }
    try {
      redis.ping();
    } catch (JedisException e) {
      failed(e);
      // Else each probe would find one more dead pooled connection, one a second.
      redis.connection().dropIdleConnections();
      return;
    }
    endOutage();
  }

  /** Where round-trip times and failures are told (the agent's JMX bean {@code type=Store}). */
  public void observe(StoreEvents events) {
    this.events = events == null ? StoreEvents.NONE : events;
  }

  private void failed(JedisException e) {
    events.failure(RedisErrorKind.of(e));
  }

  private synchronized void startOutage(JedisException e) {
    if (inOutage) {
      return;
    }
    // The other idle connections lead to the same Redis: after a restart every one of them is dead,
    // and the probe and the first decisions after the outage would each fail on one of them.
    redis.connection().dropIdleConnections();
    outages++;
    outageStart = clock.nanoTime();
    localAtStart = localDecisions.sum();
    local = settings.onOutage() == OnOutage.LOCAL ? new InMemoryBucketStore(clock, maxLocalBuckets) : null;
    inOutage = true;
    log.accept("Redis at " + settings.endpoint() + " does not answer (" + redis.connection().describe(e)
        + "); store.redis.on-outage=" + settings.onOutage().name().toLowerCase(Locale.ROOT) + ": " + rule()
        + " until it answers again (asked every second)");
  }

  private synchronized void endOutage() {
    if (!inOutage) {
      return;
    }
    inOutage = false;
    local = null;
    long seconds = TimeUnit.NANOSECONDS.toSeconds(clock.nanoTime() - outageStart);
    log.accept("Redis at " + settings.endpoint() + " answers again after " + seconds + " s; the shared buckets "
        + "are in use again (" + (localDecisions.sum() - localAtStart) + " decisions were made without them)");
  }

  private String rule() {
    return switch (settings.onOutage()) {
      case LOCAL -> "this instance decides alone, granting " + settings.outageShare() + " of each limit";
      case ALLOW -> "every call proceeds, unlimited";
      case REJECT -> "every call is refused";
    };
  }

  private InMemoryBucketStore localStore(boolean nonBlocking) {
    InMemoryBucketStore store = local;
    if (store == null && nonBlocking) {
      store = nonBlockingLocal;
      if (store == null) {
        synchronized (this) {
          if (nonBlockingLocal == null) {
            nonBlockingLocal = new InMemoryBucketStore(clock, maxLocalBuckets);
          }
          store = nonBlockingLocal;
        }
      }
    }
    // An outage that ended while this call was on its way: a fresh store for this one call.
    return store != null ? store : new InMemoryBucketStore(clock, 1);
  }

  private Charge[] scaled(Charge[] charges) {
    if (settings.outageShare() == 1.0) {
      return charges;
    }
    Charge[] scaled = new Charge[charges.length];
    for (int i = 0; i < charges.length; i++) {
      scaled[i] = new Charge(charges[i].key(), charges[i].limit().scaled(settings.outageShare()));
    }
    return scaled;
  }

  /** Local balances in the configured limits' units, as the decision reads them. */
  private static long[] unscaled(Charge[] charges, Charge[] scaled, long[] credit) {
    if (scaled != charges) {
      for (int i = 0; i < credit.length; i++) {
        credit[i] = charges[i].limit().convertFrom(scaled[i].limit(), credit[i]);
      }
    }
    return credit;
  }

  private static long[] full(Charge[] charges) {
    long[] credit = new long[charges.length];
    for (int i = 0; i < charges.length; i++) {
      BucketLimit limit = charges[i].limit();
      credit[i] = limit.credit(limit.capacity());
    }
    return credit;
  }

  /**
   * Whether a decision on {@code thread} would wait for Redis on a thread that must never block
   * (so it is made elsewhere, see {@code ToolCallVerdict.Later}); in an outage nothing waits.
   */
  public boolean wouldBlock(Thread thread) {
    return !inOutage && NonBlockingThreads.isNonBlocking(thread);
  }

  /** Whether calls are decided by the outage rule now. */
  public boolean inOutage() {
    return inOutage;
  }

  /** Outages since the start. */
  public synchronized long outages() {
    return outages;
  }

  /**
   * Decisions made on a non-blocking thread (Reactor, Netty) by the outage rule instead of Redis
   * since the start; they are among {@link #localDecisions}.
   */
  public long nonBlockingDecisions() {
    return nonBlockingDecisions.sum();
  }

  /** Decisions made by the outage rule since the start. */
  public long localDecisions() {
    return localDecisions.sum();
  }

  public RedisSettings settings() {
    return settings;
  }

  @Override
  public long size() {
    InMemoryBucketStore store = local;
    if (!inOutage) {
      try {
        return redis.size();
      } catch (JedisException e) {
        failed(e);
        startOutage(e);
      }
    }
    return store == null ? 0 : store.size();
  }

  @Override
  public long forgivenEvictions() {
    InMemoryBucketStore store = local;
    return store == null ? 0 : store.forgivenEvictions();
  }

  /** Forgets the caller's shared buckets (and its local ones during an outage). */
  @Override
  public void resetCaller(String caller) {
    InMemoryBucketStore store = local;
    if (store != null) {
      store.resetCaller(caller);
    }
    try {
      redis.resetCaller(caller);
    } catch (JedisException e) {
      failed(e);
      throw new IllegalStateException("Redis at " + settings.endpoint() + " does not answer ("
          + redis.connection().describe(e) + "); its buckets of " + caller + " are kept");
    }
  }

  @Override
  public void close() {
    redis.close();
  }
}
