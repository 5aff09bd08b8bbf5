package dev.mcpratelimit.store;

import dev.mcpratelimit.core.BucketKey;
import dev.mcpratelimit.core.BucketLimit;
import dev.mcpratelimit.core.BucketStore;
import dev.mcpratelimit.core.Scope;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import redis.clients.jedis.exceptions.JedisException;

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
 * would be full again. Without Redis Cluster one script touches a caller's key and a global one.
 *
 * <p>With Redis Cluster a caller's key and a tool's global key lie in different slots, and one
 * script may touch one slot only. A decision over both is then all-or-none in up to three calls:
 * the caller's buckets are decided first (one {@code EVALSHA}); if they refuse, nothing was taken
 * and the global bucket is only read, for the headers. If they admit, the global bucket is decided
 * (a second call); if it refuses, a third call (the same script, with the tokens negative) gives the caller's tokens back,
 * capped at the burst. Meanwhile a concurrent call of the same caller may find its bucket short by
 * this call's cost: a conservative error, never a generous one. A decision without a global bucket
 * stays one round trip, and a status report reads the caller's key in one call and each global
 * key in one more.
 *
 * <p>Every failure (timeout, connection, authentication) is thrown as Jedis' exception:
 * {@link OutageGuard} decides what a call gets then.
 */
public final class RedisBucketStore implements BucketStore, BucketAdmin, AutoCloseable {

  private final RedisConnection connection;
  private final String prefix;
  private final boolean cluster;
  private final AtomicLong failedRefunds = new AtomicLong();
  /** Only tests fix the time; otherwise the script asks Redis ({@code TIME}). */
  private final LongSupplier testMicros;

  public RedisBucketStore(RedisSettings settings) {
    this(new RedisConnection(settings), null);
  }

  /** @param testMicros the time in microseconds the script uses instead of Redis {@code TIME} */
  RedisBucketStore(RedisConnection connection, LongSupplier testMicros) {
    this.connection = connection;
    this.prefix = connection.settings().keyPrefix();
    this.cluster = connection.settings().cluster();
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
    for (int i = 0; i < charges.length; i++) {
      units[i] = RedisUnits.of(charges[i].limit());
    }
    // One time for every call of a decision: only tests fix it; otherwise each call asks Redis.
    String now = testMicros == null ? "" : Long.toString(testMicros.getAsLong());
    long[] credit = new long[charges.length];
    List<int[]> groups = cluster ? slots(charges) : List.of(all(charges.length));
    if (groups.size() == 1) {
      return new Balances(call(false, charges, units, groups.get(0), tokens, now, credit), credit);
    }
    if (tokens == 0) {
      for (int[] group : groups) {
        call(false, charges, units, group, 0, now, credit);
      }
      return new Balances(false, credit);
    }
    // Redis Cluster, a decision over several slots: the caller's buckets first, then each global
    // bucket; a refusal gives back what the earlier calls took (see the class comment).
    for (int g = 0; g < groups.size(); g++) {
      if (call(false, charges, units, groups.get(g), tokens, now, credit)) {
        continue;
      }
      for (int h = g - 1; h >= 0; h--) {
        try {
          call(true, charges, units, groups.get(h), tokens, now, credit);
        } catch (JedisException e) {
          // The decision stands (refused); the tokens stay taken: too strict, never too generous.
          failedRefunds.incrementAndGet();
        }
      }
      for (int h = g + 1; h < groups.size(); h++) {
        call(false, charges, units, groups.get(h), 0, now, credit);
      }
      return new Balances(false, credit);
    }
    return new Balances(true, credit);
  }

  /**
   * One script call over the charges at {@code which}, whose keys all lie in one slot: take
   * {@code tokens}, read them with 0, or (a refund) give the tokens back. Writes their credit into
   * {@code credit}; returns whether the tokens were taken.
   */
  private boolean call(boolean refund, Charge[] charges, RedisUnits[] units, int[] which, long tokens,
      String now, long[] credit) {
    List<String> keys = new ArrayList<>(2);
    List<String> args = new ArrayList<>(2 + which.length * 5);
    args.add(now);
    args.add(Long.toString(refund ? -tokens : tokens));
    for (int i : which) {
      BucketKey bucket = charges[i].key();
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
    for (int j = 0; j < which.length; j++) {
      credit[which[j]] = units[which[j]].toJava((Long) reply.get(j + 1));
    }
    return (Long) reply.get(0) == 1;
  }

  private static int[] all(int count) {
    int[] indices = new int[count];
    for (int i = 0; i < count; i++) {
      indices[i] = i;
    }
    return indices;
  }

  /** The charges' indices grouped by key (one key, one slot): callers' keys first, then tools'. */
  private List<int[]> slots(Charge[] charges) {
    Map<String, List<Integer>> byKey = new LinkedHashMap<>();
    for (boolean global : new boolean[] {false, true}) {
      for (int i = 0; i < charges.length; i++) {
        if ((charges[i].key().scope() == Scope.TOOL_GLOBAL) == global) {
          byKey.computeIfAbsent(key(charges[i].key()), k -> new ArrayList<>()).add(i);
        }
      }
    }
    List<int[]> groups = new ArrayList<>(byKey.size());
    for (List<Integer> group : byKey.values()) {
      groups.add(group.stream().mapToInt(Integer::intValue).toArray());
    }
    return groups;
  }

  /** Refunds (Redis Cluster) that failed, so the caller's tokens stayed taken for a refused call. */
  public long failedRefunds() {
    return failedRefunds.get();
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
    return connection.dbSize();
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
