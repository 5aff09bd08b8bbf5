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
 * The bucket script ({@code buckets.lua}: decide, read, or refund), run by its SHA-1 with
 * {@code EVALSHA}. Redis forgets scripts on a restart
 * or a {@code SCRIPT FLUSH}; the first call after that gets {@code NOSCRIPT}, loads the script again
 * and retries once, so no decision is lost to it. In a cluster every master keeps its own scripts:
 * the script is loaded on the node that answered {@code NOSCRIPT}, the one owning the first key's
 * slot (all keys of one call share it).
 */
final class RedisScripts {

  private static final String SOURCE = read("buckets.lua");
  private static final String SHA = sha1(SOURCE);

  private RedisScripts() {}

  /** Runs the bucket script: one round trip, or three right after Redis forgot the script. */
  static List<?> buckets(UnifiedJedis redis, List<String> keys, List<String> args) {
    try {
      return (List<?>) redis.evalsha(SHA, keys, args);
    } catch (JedisNoScriptException e) {
      // With the first key as sample key a cluster client loads it on that key's node.
      redis.scriptLoad(SOURCE, keys.get(0));
      return (List<?>) redis.evalsha(SHA, keys, args);
    }
  }

  /** The script's SHA-1, as {@code EVALSHA} and {@code SCRIPT EXISTS} name it. */
  static String sha() {
    return SHA;
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
