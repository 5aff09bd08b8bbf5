package dev.mcpratelimit.store;

import java.time.Duration;
import java.util.Set;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPool;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.UnifiedJedis;

/**
 * A bounded pool of blocking connections to one Redis, or to each master of a Redis Cluster
 * ({@link RedisSettings#cluster()}), every operation bounded by the timeout. It starts no thread
 * (no idle-connection evictor, no cluster topology refresher) and registers no MBean in the host's
 * server.
 */
final class RedisConnection implements AutoCloseable {

  /** Connections at most (per node of a cluster); a call that finds none free waits at most the timeout. */
  static final int MAX_CONNECTIONS = 16;

  /** Tries of one cluster command: the first, and one more after a MOVED/ASK or a lost node. */
  static final int CLUSTER_ATTEMPTS = 2;

  private final RedisSettings settings;
  private final JedisClientConfig client;
  private final GenericObjectPoolConfig<Connection> pool;
  private final Object lock = new Object();
  private volatile UnifiedJedis redis;
  private boolean closed;

  /** Connects lazily: nothing is sent until the first command. */
  RedisConnection(RedisSettings settings) {
    this.settings = settings;
    int millis = (int) Math.max(1, settings.timeout().toMillis());
    pool = new GenericObjectPoolConfig<>();
    pool.setMaxTotal(MAX_CONNECTIONS);
    pool.setMaxIdle(MAX_CONNECTIONS);
    pool.setMaxWait(Duration.ofMillis(millis));
    pool.setJmxEnabled(false);
    DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder();
    if (settings.tls()) {
      config.ssl(true)
          .sslSocketFactory(RedisTls.socketFactory(settings.trustStore()))
          .sslParameters(RedisTls.verifyingHostName());
    }
    client = config
        .user(settings.user())
        .password(settings.password())
        .database(settings.database())
        .connectionTimeoutMillis(millis)
        .socketTimeoutMillis(millis)
        .clientName("mcp-ratelimit-agent")
        .build();
    if (!settings.cluster()) {
      redis = new JedisPooled(new HostAndPort(settings.host(), settings.port()), client, pool);
    }
  }

  /**
   * The client. For a cluster it is made on first use, because Jedis asks the seed node for the
   * slot map as it makes it: while the cluster does not answer, this throws Jedis' exception (the
   * outage rule applies) and the next call tries again.
   */
  UnifiedJedis redis() {
    UnifiedJedis current = redis;
    if (current != null) {
      return current;
    }
    synchronized (lock) {
      if (redis == null) {
        if (closed) {
          throw new IllegalStateException("the Redis connection is closed");
        }
        // Total time of one command, retries included, bounded by the timeout.
        redis = new JedisCluster(Set.of(new HostAndPort(settings.host(), settings.port())), client,
            CLUSTER_ATTEMPTS, settings.timeout(), pool);
      }
      return redis;
    }
  }

  /**
   * Keys in the database: of the one Redis, or summed over the cluster's masters (a replica holds
   * a copy of its master's keys).
   */
  long dbSize() {
    UnifiedJedis current = redis();
    if (!(current instanceof JedisCluster cluster)) {
      return current.dbSize();
    }
    long keys = 0;
    for (ConnectionPool node : cluster.getClusterNodes().values()) {
      try (Jedis jedis = new Jedis(node.getResource())) {
        if (jedis.info("replication").contains("role:master")) {
          keys += jedis.dbSize();
        }
      }
    }
    return keys;
  }

  /** Closes the idle pooled connections: after a failure they may lead to a Redis that is gone. */
  void dropIdleConnections() {
    UnifiedJedis current = redis;
    if (current instanceof JedisPooled pooled) {
      pooled.getPool().clear();
    } else if (current instanceof JedisCluster cluster) {
      cluster.getClusterNodes().values().forEach(ConnectionPool::clear);
    }
  }

  RedisSettings settings() {
    return settings;
  }

  /**
   * What went wrong, for one log line: the exception's kind and message (and its cause's), with
   * the password cut out should a message ever hold it.
   */
  String describe(Throwable failure) {
    StringBuilder text = new StringBuilder();
    for (Throwable t = failure; t != null && text.length() < 300; t = t.getCause() == t ? null : t.getCause()) {
      text.append(text.length() == 0 ? "" : "; caused by ").append(t.getClass().getSimpleName());
      if (t.getMessage() != null) {
        text.append(": ").append(t.getMessage());
      }
    }
    String line = text.toString();
    String password = settings.password();
    return password == null || password.isEmpty() ? line : line.replace(password, "***");
  }

  @Override
  public void close() {
    synchronized (lock) {
      closed = true;
      if (redis != null) {
        redis.close();
      }
    }
  }
}
