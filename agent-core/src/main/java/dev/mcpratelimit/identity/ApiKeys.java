package dev.mcpratelimit.identity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** API keys are only ever handled as their SHA-256 hash. */
public final class ApiKeys {

  private ApiKeys() {}

  /** Lowercase hex SHA-256 of the key's UTF-8 bytes, as {@code caller.<id>.api-key-sha256} expects. */
  public static String sha256Hex(String apiKey) {
    return HexFormat.of().formatHex(sha256(apiKey));
  }

  /** The SHA-256 of the key's UTF-8 bytes. */
  static byte[] sha256(String apiKey) {
    return SHA256.get().digest(apiKey.getBytes(StandardCharsets.UTF_8));
  }

  /** One digest per thread: looking one up on every HTTP call cost more than hashing the key. */
  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  });

  /**
   * Whether {@code text} looks like a SHA-256 hex digest: 64 ASCII hex digits, either case.
   * ({@link Character#digit} would also take fullwidth and Arabic-Indic digits.)
   */
  public static boolean isSha256Hex(String text) {
    return text.length() == 64 && text.chars().allMatch(ApiKeys::isAsciiHexDigit);
  }

  private static boolean isAsciiHexDigit(int c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }
}
