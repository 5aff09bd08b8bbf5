package dev.mcpratelimit.store;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * Where the shared buckets live and what to do when they cannot be reached: the
 * {@code store.redis.*} keys, validated. Inert data; {@link RedisConnection} connects with it.
 *
 * @param user the ACL user from the URL, or {@code null}
 * @param password from the URL or {@code store.redis.password-file}, or {@code null}; never printed
 *     (see {@link #toString})
 * @param timeout per decision: past it the outage rule applies
 * @param outageShare with {@link OnOutage#LOCAL}: the fraction of each limit this instance grants alone
 * @param cluster whether {@code host:port} is a seed node of a Redis Cluster (then {@code database} is 0)
 * @param tls whether the URL is {@code rediss://}: TLS, the server's certificate verified
 * @param trustStore with TLS: a PEM file of the CA certificate(s) to trust instead of the JVM's
 *     default trust store ({@code store.redis.trust-store}), or {@code null}
 */
public record RedisSettings(String host, int port, int database, String user, String password,
    Duration timeout, String keyPrefix, OnOutage onOutage, double outageShare, boolean cluster, boolean tls,
    String trustStore) {

  public static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(50);
  public static final String DEFAULT_KEY_PREFIX = "mcp-rl:";

  public RedisSettings {
    Objects.requireNonNull(host);
    Objects.requireNonNull(timeout);
    Objects.requireNonNull(keyPrefix);
    Objects.requireNonNull(onOutage);
  }

  /** A local Redis without credentials and with every default: for tests and tools. */
  public static RedisSettings local(int port) {
    return new RedisSettings("127.0.0.1", port, 0, null, null, DEFAULT_TIMEOUT, DEFAULT_KEY_PREFIX,
        OnOutage.LOCAL, 1.0, false, false, null);
  }

  /**
   * The endpoint as it may be logged: {@code host:port/db}, or {@code host:port (cluster seed)},
   * never a user or password.
   */
  public String endpoint() {
    String address = (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    return cluster ? address + " (cluster seed)" : address + "/" + database;
  }

  public RedisSettings withOutage(OnOutage rule, double share) {
    return new RedisSettings(host, port, database, user, password, timeout, keyPrefix, rule, share, cluster, tls,
        trustStore);
  }

  public RedisSettings withTimeout(Duration limit) {
    return new RedisSettings(host, port, database, user, password, limit, keyPrefix, onOutage, outageShare, cluster,
        tls, trustStore);
  }

  public RedisSettings withPassword(String user, String password) {
    return new RedisSettings(host, port, database, user, password, timeout, keyPrefix, onOutage, outageShare, cluster,
        tls, trustStore);
  }

  /** The same endpoint as a seed node of a Redis Cluster ({@code true}) or as one Redis. */
  public RedisSettings withCluster(boolean seed) {
    return new RedisSettings(host, port, database, user, password, timeout, keyPrefix, onOutage, outageShare, seed,
        tls, trustStore);
  }

  /** Over TLS, trusting {@code trustStore} (a PEM file) or, if {@code null}, the JVM's default trust store. */
  public RedisSettings withTls(String trustStore) {
    return new RedisSettings(host, port, database, user, password, timeout, keyPrefix, onOutage, outageShare, cluster,
        true, trustStore);
  }

  /** Without the password: records print every component, and this one may end up in a log. */
  @Override
  public String toString() {
    return "redis " + endpoint() + (tls ? " over TLS (trusting " + (trustStore == null ? "the JVM's default trust store"
        : trustStore) + ")" : "") + (user == null ? "" : " user " + user)
        + (password == null ? "" : " password ***")
        + ", timeout " + timeout.toMillis() + " ms, key prefix " + keyPrefix + ", on outage "
        + onOutage.name().toLowerCase(Locale.ROOT) + (onOutage == OnOutage.LOCAL ? " (share " + outageShare + ")" : "");
  }
}
