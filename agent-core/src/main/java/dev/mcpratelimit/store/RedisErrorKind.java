package dev.mcpratelimit.store;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.util.Locale;
import java.util.NoSuchElementException;
import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisDataException;

/** What kind of failure a Redis command met, for counting (JMX {@code type=Store}, Prometheus). */
public enum RedisErrorKind {
  /** No answer within {@code store.redis.timeout}, or no free pooled connection within it. */
  TIMEOUT,
  /** Nothing listening at the address (connection refused, host unreachable). */
  CONNECTION_REFUSED,
  /** Redis refused the credentials (WRONGPASS, NOAUTH, NOPERM). */
  AUTH,
  /** Redis answered with an error reply: the decision script failed. */
  SCRIPT,
  /** Anything else (a connection closed by the server, a broken reply). */
  OTHER;

  /** The kind of {@code failure}, looking through its causes. */
  public static RedisErrorKind of(Throwable failure) {
    boolean timeout = false;
    boolean refused = false;
    boolean reply = false;
    int depth = 0;
    for (Throwable t = failure; t != null && depth < 10; t = t.getCause() == t ? null : t.getCause(), depth++) {
      String message = t.getMessage() == null ? "" : t.getMessage().toUpperCase(Locale.ROOT);
      if (t instanceof JedisAccessControlException || message.startsWith("WRONGPASS") || message.startsWith("NOAUTH")
          || message.startsWith("NOPERM")) {
        return AUTH;
      }
      timeout |= t instanceof SocketTimeoutException || t instanceof NoSuchElementException;
      refused |= t instanceof ConnectException || t instanceof java.net.NoRouteToHostException;
      // Jedis tries each address of the host and adds each failure as suppressed, not as the cause.
      for (Throwable attempt : t.getSuppressed()) {
        timeout |= attempt instanceof SocketTimeoutException;
        refused |= attempt instanceof ConnectException || attempt instanceof java.net.NoRouteToHostException;
      }
      reply |= t instanceof JedisDataException;
    }
    return timeout ? TIMEOUT : refused ? CONNECTION_REFUSED : reply ? SCRIPT : OTHER;
  }

  /** The Prometheus label value: {@code timeout}, {@code connection_refused}, ... */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
