package dev.mcpratelimit.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * The bucket script ({@code buckets.lua}) and, for Redis Cluster, the refund script
 * ({@code refund.lua}), run by their SHA-1 with {@code EVALSHA}. Redis forgets scripts on a restart
 * or a {@code SCRIPT FLUSH}; the first call after that gets {@code NOSCRIPT}, loads the script again
 * and retries once, so no decision is lost to it. In a cluster every master keeps its own scripts:
 * the script is loaded on the node that answered {@code NOSCRIPT}, the one owning the first key's
 * slot (all keys of one call share it).
 */
final class RedisScripts {

  private static final String SOURCE = read("buckets.lua");
  private static final String SHA = sha1(SOURCE);
  private static final String REFUND_SOURCE = read("refund.lua");
  private static final String REFUND_SHA = sha1(REFUND_SOURCE);

  private RedisScripts() {}

  /** Runs the bucket script: one round trip, or three right after Redis forgot the script. */
  static List<?> buckets(UnifiedJedis redis, List<String> keys, List<String> args) {
    return run(redis, SHA, SOURCE, keys, args);
  }

  /** Runs the refund script (same arguments as the bucket script): gives the tokens back. */
  static List<?> refund(UnifiedJedis redis, List<String> keys, List<String> args) {
    return run(redis, REFUND_SHA, REFUND_SOURCE, keys, args);
  }

  private static List<?> run(UnifiedJedis redis, String sha, String source, List<String> keys, List<String> args) {
    try {
      return (List<?>) redis.evalsha(sha, keys, args);
    } catch (JedisNoScriptException e) {
      // With the first key as sample key a cluster client loads it on that key's node.
      redis.scriptLoad(source, keys.get(0));
      return (List<?>) redis.evalsha(sha, keys, args);
    }
  }

  /** The script's SHA-1, as {@code EVALSHA} and {@code SCRIPT EXISTS} name it. */
  static String sha() {
    return SHA;
  }

  /** The refund script's SHA-1. */
  static String refundSha() {
    return REFUND_SHA;
  }

  private static String read(String name) {
    try (InputStream in = RedisScripts.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String sha1(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-1", e);
    }
  }
}
