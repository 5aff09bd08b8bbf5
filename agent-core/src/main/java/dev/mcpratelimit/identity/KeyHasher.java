package dev.mcpratelimit.identity;

import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * Hashes API keys with SHA-256, one hasher per thread that reuses its buffers, so that hashing a
 * call's key allocates nothing, and leaves none of the key's bytes behind in them: keys are never
 * kept raw beyond the request.
 */
final class KeyHasher {

  /** Keys of up to this many ASCII characters are copied here; others are encoded by the JDK. */
  private static final int TEXT = 128;
  /** As much as the digest's own block buffer holds of a key after a digest (its last byte never does). */
  private static final byte[] ZEROS = new byte[63];
  private static final ThreadLocal<KeyHasher> THREAD = ThreadLocal.withInitial(KeyHasher::new);

  private final MessageDigest sha256;
  private final byte[] text = new byte[TEXT];
  private final byte[] digest = new byte[32];

  private KeyHasher() {
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /** The SHA-256 of the key's UTF-8 bytes, in this thread's buffer: read it before the thread hashes again. */
  static byte[] sha256(String apiKey) {
    return THREAD.get().hash(apiKey);
  }

  private byte[] hash(String key) {
    int length = asciiIntoText(key);
    if (length >= 0) {
      sha256.update(text, 0, length);
      Arrays.fill(text, 0, length, (byte) 0);
    } else {
      byte[] encoded = key.getBytes(StandardCharsets.UTF_8);
      sha256.update(encoded);
      Arrays.fill(encoded, (byte) 0);
    }
    try {
      sha256.digest(digest, 0, digest.length);
    } catch (DigestException e) {
      throw new IllegalStateException("a SHA-256 digest is 32 bytes", e);
    }
    // The digest keeps the last block it hashed, the key's tail among it: overwrite it, then reset.
    sha256.update(ZEROS, 0, ZEROS.length);
    sha256.reset();
    return digest;
  }

  /** Copies an ASCII key into {@link #text} and says how long it is; -1 for any other key (nothing copied). */
  private int asciiIntoText(String key) {
    int length = key.length();
    if (length > TEXT) {
      return -1;
    }
    for (int i = 0; i < length; i++) {
      char c = key.charAt(i);
      if (c >= 0x80) {
        Arrays.fill(text, 0, i, (byte) 0);
        return -1;
      }
      text[i] = (byte) c;
    }
    return length;
  }
}
