package dev.mcpratelimit.identity;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * The SHA-256 of an API key, as a value to look callers up by: compared as its 32 bytes, so a
 * call hashes its key without also making a hex string of it.
 */
final class KeyDigest {

  private final byte[] bytes;

  private KeyDigest(byte[] bytes) {
    this.bytes = bytes;
  }

  /** The digest a configuration gives as 64 hex digits (either case). */
  static KeyDigest ofHex(String sha256Hex) {
    return new KeyDigest(HexFormat.of().parseHex(sha256Hex));
  }

  /** The digest of a key a caller presented. */
  static KeyDigest of(String apiKey) {
    return new KeyDigest(ApiKeys.sha256(apiKey));
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof KeyDigest digest && Arrays.equals(bytes, digest.bytes);
  }

  /** The first four bytes: a digest's bytes are uniform already. */
  @Override
  public int hashCode() {
    return (bytes[0] << 24) | ((bytes[1] & 0xff) << 16) | ((bytes[2] & 0xff) << 8) | (bytes[3] & 0xff);
  }
}
