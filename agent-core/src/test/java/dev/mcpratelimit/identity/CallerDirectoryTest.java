package dev.mcpratelimit.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CallerDirectoryTest {

  @Test
  void keysAreFoundByTheirHashOnly() {
    Caller alice = new Caller("alice", "premium", ApiKeys.sha256Hex("alice-secret"));
    Caller local = new Caller("local", "basic", null);
    CallerDirectory directory = new CallerDirectory(List.of(alice, local));
    assertEquals(new ResolvedCaller("alice", "premium", true), directory.byApiKey("alice-secret"));
    assertSame(directory.byApiKey("alice-secret"), directory.byApiKey("alice-secret"),
        "made once, not per call");
    assertNull(directory.byApiKey("alice-secret "));
    assertEquals(local, directory.byId("local").orElseThrow());
  }

  @Test
  void aDigestIsComparedOverAllItsBytesAndInEitherCaseOfItsHex() {
    String hex = ApiKeys.sha256Hex("alice-secret");
    String lastByteOff = hex.substring(0, 62) + (hex.endsWith("00") ? "01" : "00");
    ResolvedCaller alice = new ResolvedCaller("alice", "premium", true);
    ResolvedCaller mallory = new ResolvedCaller("mallory", "free", true);
    // The same first four bytes: the same slot, found apart by the rest.
    DigestTable table = new DigestTable(Map.of(hex.toUpperCase(Locale.ROOT), alice, lastByteOff, mallory));
    assertSame(alice, table.get(HexFormat.of().parseHex(hex)));
    assertSame(mallory, table.get(HexFormat.of().parseHex(lastByteOff)));
    assertNull(table.get(HexFormat.of().parseHex(ApiKeys.sha256Hex("bob-secret"))));
    assertNull(new DigestTable(Map.of()).get(HexFormat.of().parseHex(hex)));
    Caller upper = new Caller("alice", "premium", hex.toUpperCase(Locale.ROOT));
    assertEquals("alice", new CallerDirectory(List.of(upper)).byApiKey("alice-secret").id());
  }

  @Test
  void manyCallersAreEachFoundByTheirOwnKey() {
    List<Caller> callers = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      callers.add(new Caller("c" + i, "free", ApiKeys.sha256Hex("key-" + i)));
    }
    CallerDirectory directory = new CallerDirectory(callers);
    for (int i = 0; i < 200; i++) {
      assertEquals("c" + i, directory.byApiKey("key-" + i).id());
    }
    assertNull(directory.byApiKey("key-200"));
  }

  @Test
  void keysOfAnyLengthAndAlphabetHashAsTheJdkHashesTheirUtf8() throws Exception {
    for (String key : List.of("k", "x".repeat(127), "y".repeat(128), "z".repeat(129), "cl\u00e9-\u6f22\u5b57", "\ud83d\udd11key")) {
      byte[] expected = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      assertEquals(HexFormat.of().formatHex(expected), ApiKeys.sha256Hex(key), key);
    }
    // And again, from the same thread's hasher: nothing of one key is left over for the next.
    assertEquals("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824", ApiKeys.sha256Hex("hello"));
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
