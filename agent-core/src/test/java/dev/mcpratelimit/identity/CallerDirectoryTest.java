package dev.mcpratelimit.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class CallerDirectoryTest {

  @Test
  void keysAreFoundByTheirHashOnly() {
    Caller alice = new Caller("alice", "premium", ApiKeys.sha256Hex("alice-secret"));
    Caller local = new Caller("local", "basic", null);
    CallerDirectory directory = new CallerDirectory(List.of(alice, local));
    assertEquals(alice, directory.byApiKey("alice-secret").orElseThrow());
    assertTrue(directory.byApiKey("alice-secret ").isEmpty());
    assertEquals(local, directory.byId("local").orElseThrow());
  }

  @Test
  void aDigestIsComparedOverAllItsBytesAndInEitherCaseOfItsHex() {
    String hex = ApiKeys.sha256Hex("alice-secret");
    assertEquals(KeyDigest.of("alice-secret"), KeyDigest.ofHex(hex.toUpperCase(java.util.Locale.ROOT)));
    String lastByteOff = hex.substring(0, 62) + (hex.endsWith("00") ? "01" : "00");
    assertEquals(KeyDigest.ofHex(hex).hashCode(), KeyDigest.ofHex(lastByteOff).hashCode(), "same first four bytes");
    assertFalse(KeyDigest.ofHex(hex).equals(KeyDigest.ofHex(lastByteOff)));
    Caller upper = new Caller("alice", "premium", hex.toUpperCase(java.util.Locale.ROOT));
    assertEquals(upper, new CallerDirectory(List.of(upper)).byApiKey("alice-secret").orElseThrow());
  }

  @Test
  void theHashMatchesSha256sum() {
    // printf %s hello | sha256sum
    assertEquals("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824", ApiKeys.sha256Hex("hello"));
    assertTrue(ApiKeys.isSha256Hex("2CF24DBA5FB0A30E26E83B2AC5B9E29E1B161E5C1FA7425E73043362938B9824"));
    assertFalse(ApiKeys.isSha256Hex("hello"));
    assertFalse(ApiKeys.isSha256Hex("\uff10".repeat(64)), "fullwidth digits are digits, not hex");
    assertFalse(ApiKeys.isSha256Hex("\u0663".repeat(64)), "nor are Arabic-Indic ones");
  }

  @Test
  void aCallerPrintsWithoutItsHash() {
    Caller alice = new Caller("alice", "premium", ApiKeys.sha256Hex("alice-secret"));
    assertFalse(alice.toString().contains(alice.apiKeySha256()));
  }
}
