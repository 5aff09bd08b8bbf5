package dev.mcpratelimit.store;

import dev.mcpratelimit.core.BucketStore;
import dev.mcpratelimit.core.NanoClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;

/**
 * The stores decision-sequence tests run against. The Redis store gets its time from the test's
 * clock (whole microseconds) instead of Redis {@code TIME}: exact refill assertions need a clock
 * that moves only when the test says, and the in-memory store gets the same one.
 */
public final class TestStores {

  private TestStores() {}

  /**
   * A store by the name a test gives it, {@code memory}, {@code redis} or {@code redis-cluster}
   * (a three-master Redis Cluster, {@link RedisCluster}); each is also a {@link BucketAdmin}.
   */
  public static BucketStore create(String kind, NanoClock clock) {
    return switch (kind) {
      case "memory" -> new InMemoryBucketStore(clock, 10_000);
      case "redis" -> redis(clock);
      case "redis-cluster" -> redisCluster(clock);
      default -> throw new IllegalArgumentException(kind);
    };
  }

  /** A Redis store on the shared test server, its database emptied, timed by {@code clock}. */
  public static RedisBucketStore redis(NanoClock clock) {
    try {
      RedisServer server = RedisServer.shared();
      try (var client = server.client()) {
        client.flushDB();
      }
      RedisSettings settings = RedisSettings.local(server.port()).withTimeout(Duration.ofSeconds(2));
      return new RedisBucketStore(new RedisConnection(settings), () -> clock.nanoTime() / 1000);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A Redis store on the shared test cluster, every master emptied, timed by {@code clock}. */
  public static RedisBucketStore redisCluster(NanoClock clock) {
    try {
      RedisCluster cluster = RedisCluster.shared();
      cluster.flushAll();
      RedisSettings settings = cluster.settings().withTimeout(Duration.ofSeconds(2));
      return new RedisBucketStore(new RedisConnection(settings), () -> clock.nanoTime() / 1000);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
