package dev.mcpratelimit.store;

import java.time.Duration;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisPooled;

/**
 * A bounded pool of blocking connections to one Redis, every operation bounded by the timeout.
 * It starts no thread (no idle-connection evictor) and registers no MBean in the host's server.
 */
final class RedisConnection implements AutoCloseable {

  /** Connections at most; a call that finds none free waits at most the timeout. */
  static final int MAX_CONNECTIONS = 16;

  private final RedisSettings settings;
  private final JedisPooled redis;

  /** Connects lazily: nothing is sent until the first command. */
  RedisConnection(RedisSettings settings) {
    this.settings = settings;
    int millis = (int) Math.max(1, settings.timeout().toMillis());
    GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
    pool.setMaxTotal(MAX_CONNECTIONS);
    pool.setMaxIdle(MAX_CONNECTIONS);
    pool.setMaxWait(Duration.ofMillis(millis));
    pool.setJmxEnabled(false);
    DefaultJedisClientConfig.Builder client = DefaultJedisClientConfig.builder();
    if (settings.tls()) {
      client.ssl(true)
          .sslSocketFactory(RedisTls.socketFactory(settings.trustStore()))
          .sslParameters(RedisTls.verifyingHostName());
    }
    this.redis = new JedisPooled(new HostAndPort(settings.host(), settings.port()),
        client
            .user(settings.user())
            .password(settings.password())
            .database(settings.database())
            .connectionTimeoutMillis(millis)
            .socketTimeoutMillis(millis)
            .clientName("mcp-ratelimit-agent")
            .build(),
        pool);
  }

  JedisPooled redis() {
    return redis;
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
    redis.close();
  }
}
