package dev.mcpratelimit.store;

import dev.mcpratelimit.core.BucketKey;
import dev.mcpratelimit.core.BucketLimit;
import dev.mcpratelimit.core.BucketStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Buckets in Redis, shared by every instance that uses the same Redis and key prefix. A decision
 * or a status report is one script call (one round trip), timed by Redis' own clock, so clock
 * skew between hosts changes nothing.
 *
 * <p>Layout, under the key prefix: one hash per caller, {@code {caller:<id>}}, holding its tier
 * bucket (fields {@code c:c}, {@code c:s}, {@code c:u}: credit, stamp in µs, credit per token) and
 * its caller-tool buckets ({@code t:<tool>:c} ...); one hash per tool with a global limit,
 * {@code {tool:<name>}}, field prefix {@code g:}. So resetting a caller is one {@code DEL} of one
 * known key, and a caller's keys share a hash tag. A key expires when the last of its buckets
 * would be full again. Without Redis Cluster one script may touch a caller's key and a global
 * one; with Cluster they lie in different slots, which is the next step.
 *
 * <p>Every failure (timeout, connection, authentication) is thrown as Jedis' exception:
 * {@link OutageGuard} decides what a call gets then.
 */
public final class RedisBucketStore implements BucketStore, BucketAdmin, AutoCloseable {

  private final RedisConnection connection;
  private final String prefix;
  /** Only tests fix the time; otherwise the script asks Redis ({@code TIME}). */
  private final LongSupplier testMicros;

  public RedisBucketStore(RedisSettings settings) {
    this(new RedisConnection(settings), null);
  }

  /** @param testMicros the time in microseconds the script uses instead of Redis {@code TIME} */
  RedisBucketStore(RedisConnection connection, LongSupplier testMicros) {
    this.connection = connection;
    this.prefix = connection.settings().keyPrefix();
    this.testMicros = testMicros;
  }

  /** Why {@code limit} cannot be kept exactly in Redis, if it cannot (see {@link RedisUnits}). */
  public static Optional<String> checkExact(BucketLimit limit) {
    try {
      RedisUnits.of(limit);
      return Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.of(e.getMessage());
    }
  }

  @Override
  public Balances tryConsume(Charge[] charges, long tokens) {
    for (Charge charge : charges) {
      if (tokens <= 0 || tokens > charge.limit().capacity()) {
        throw new IllegalArgumentException("cannot take " + tokens + " tokens from a bucket of " + charge.limit());
      }
    }
    return run(charges, tokens);
  }

  @Override
  public long[] peek(Charge[] charges) {
    return run(charges, 0).credit();
  }

  private Balances run(Charge[] charges, long tokens) {
    RedisUnits[] units = new RedisUnits[charges.length];
    List<String> keys = new ArrayList<>(2);
    List<String> args = new ArrayList<>(2 + charges.length * 5);
    args.add(testMicros == null ? "" : Long.toString(testMicros.getAsLong()));
    args.add(Long.toString(tokens));
    for (int i = 0; i < charges.length; i++) {
      BucketKey bucket = charges[i].key();
      units[i] = RedisUnits.of(charges[i].limit());
      String key = key(bucket);
      int index = keys.indexOf(key);
      if (index < 0) {
        keys.add(key);
        index = keys.size() - 1;
      }
      args.add(Integer.toString(index + 1));
      args.add(field(bucket));
      args.add(Long.toString(units[i].capacity()));
      args.add(Long.toString(units[i].creditPerToken()));
      args.add(Long.toString(units[i].creditPerMicro()));
    }
    List<?> reply = RedisScripts.buckets(connection.redis(), keys, args);
    long[] credit = new long[charges.length];
    for (int i = 0; i < credit.length; i++) {
      credit[i] = units[i].toJava((Long) reply.get(i + 1));
    }
    return new Balances((Long) reply.get(0) == 1, credit);
  }

  private String key(BucketKey bucket) {
    return switch (bucket.scope()) {
      case CALLER, CALLER_TOOL -> callerKey(bucket.caller());
      case TOOL_GLOBAL -> prefix + "{tool:" + bucket.tool() + "}";
    };
  }

  private static String field(BucketKey bucket) {
    return switch (bucket.scope()) {
      case CALLER -> "c:";
      case CALLER_TOOL -> "t:" + bucket.tool() + ":";
      case TOOL_GLOBAL -> "g:";
    };
  }

  private String callerKey(String caller) {
    return prefix + "{caller:" + caller + "}";
  }

  /** Keys in the Redis database: one per active caller and per active global bucket, plus any other user's. */
  @Override
  public long size() {
    return connection.redis().dbSize();
  }

  /** Redis forgets a bucket only once it is full again (its expiry), so no debt is ever forgiven. */
  @Override
  public long forgivenEvictions() {
    return 0;
  }

  @Override
  public void resetCaller(String caller) {
    connection.redis().del(callerKey(caller));
  }

  /** Whether Redis answers, within the timeout; throws what the connection throws if not. */
  void ping() {
    connection.redis().ping();
  }

  RedisConnection connection() {
    return connection;
  }

  @Override
  public void close() {
    connection.close();
  }
}
