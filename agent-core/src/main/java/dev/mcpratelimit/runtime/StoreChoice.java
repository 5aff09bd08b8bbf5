package dev.mcpratelimit.runtime;

import dev.mcpratelimit.config.AgentConfig;
import dev.mcpratelimit.core.BucketStore;
import dev.mcpratelimit.core.NanoClock;
import dev.mcpratelimit.store.BucketAdmin;
import dev.mcpratelimit.store.InMemoryBucketStore;
import dev.mcpratelimit.store.OutageGuard;
import dev.mcpratelimit.store.RedisBucketStore;
import dev.mcpratelimit.store.RedisSettings;
import dev.mcpratelimit.store.StoreEvents;
import java.util.Objects;

/**
 * The store the first configuration put in force chose ({@code store=memory} or
 * {@code store=redis}), kept for the life of the JVM: switching stores under live buckets would
 * hand every caller a fresh burst. A later file with other store settings is told to wait for a
 * restart.
 */
final class StoreChoice implements BucketStore, BucketAdmin {

  private final NanoClock clock;
  private final InMemoryBucketStore memory;
  private boolean chosen;
  private RedisSettings chosenRedis;
  private volatile OutageGuard redis;
  private StoreEvents events = StoreEvents.NONE;

  StoreChoice(NanoClock clock, InMemoryBucketStore memory) {
    this.clock = clock;
    this.memory = memory;
  }

  /** Takes the store of the first configuration put in force; later ones only keep their bound. */
  synchronized void choose(AgentConfig config) {
    memory.setMaxBuckets(config.maxBuckets());
    if (!chosen) {
      chosen = true;
      chosenRedis = config.redis();
      if (chosenRedis != null) {
        OutageGuard guard = new OutageGuard(new RedisBucketStore(chosenRedis), clock, config.maxBuckets(), AgentLog::warning);
        guard.observe(events);
        redis = guard;
      }
    } else if (!Objects.equals(chosenRedis, config.redis())) {
      AgentLog.warning(config.source() + ": the store settings changed; they take effect at the next start ("
          + describe() + " stays in use)");
    }
  }

  /** Where the Redis store tells its round trips and failures (set before the first configuration). */
  synchronized void observe(StoreEvents events) {
    this.events = events;
    OutageGuard guard = redis;
    if (guard != null) {
      guard.observe(events);
    }
  }

  /** Ends a Redis outage as soon as Redis answers; the agent runs it every second. */
  void probe() {
    OutageGuard guard = redis;
    if (guard != null) {
      guard.probe();
    }
  }

  /** The Redis store and its outage state, {@code null} with the in-memory store. */
  OutageGuard redis() {
    return redis;
  }

  InMemoryBucketStore memory() {
    return memory;
  }

  String describe() {
    OutageGuard guard = redis;
    return guard == null ? "store memory" : "store " + guard.settings();
  }

  private BucketStore decisions() {
    OutageGuard guard = redis;
    return guard != null ? guard : memory;
  }

  private BucketAdmin admin() {
    OutageGuard guard = redis;
    return guard != null ? guard : memory;
  }

  @Override
  public Balances tryConsume(Charge[] charges, long tokens) {
    return decisions().tryConsume(charges, tokens);
  }

  @Override
  public long[] peek(Charge[] charges) {
    return decisions().peek(charges);
  }

  @Override
  public long size() {
    return admin().size();
  }

  @Override
  public long forgivenEvictions() {
    return admin().forgivenEvictions();
  }

  @Override
  public void resetCaller(String caller) {
    admin().resetCaller(caller);
  }
}
