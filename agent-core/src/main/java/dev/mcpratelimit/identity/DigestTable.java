package dev.mcpratelimit.identity;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;

/**
 * Configured callers by the SHA-256 of their API key, found by a digest's 32 bytes without
 * building a key object per call: an open-addressed table, indexed by the digest's first four
 * bytes (uniform already) and compared over all of them.
 */
final class DigestTable {

  private final byte[][] digests;
  private final ResolvedCaller[] callers;

  /** @param byHex callers by their digest as 64 hex digits (either case), digests distinct */
  DigestTable(Map<String, ResolvedCaller> byHex) {
    int size = Integer.highestOneBit(Math.max(1, byHex.size()) * 2) * 2; // at most half full
    digests = new byte[size][];
    callers = new ResolvedCaller[size];
    byHex.forEach((hex, caller) -> {
      byte[] digest = HexFormat.of().parseHex(hex);
      int slot = slotOf(digest);
      while (digests[slot] != null) {
        slot = (slot + 1) & (size - 1);
      }
      digests[slot] = digest;
      callers[slot] = caller;
    });
  }

  /** The caller whose key has this digest, or {@code null}. */
  ResolvedCaller get(byte[] digest) {
    for (int slot = slotOf(digest); digests[slot] != null; slot = (slot + 1) & (digests.length - 1)) {
      if (Arrays.equals(digests[slot], digest)) {
        return callers[slot];
      }
    }
    return null;
  }

  private int slotOf(byte[] digest) {
    int hash = (digest[0] << 24) | ((digest[1] & 0xff) << 16) | ((digest[2] & 0xff) << 8) | (digest[3] & 0xff);
    return hash & (digests.length - 1);
  }
}
