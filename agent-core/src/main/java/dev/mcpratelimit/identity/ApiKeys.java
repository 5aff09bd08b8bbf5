package dev.mcpratelimit.identity;

import java.util.HexFormat;

/** API keys are only ever handled as their SHA-256 hash. */
public final class ApiKeys {

  private ApiKeys() {}

  /** Lowercase hex SHA-256 of the key's UTF-8 bytes, as {@code caller.<id>.api-key-sha256} expects. */
  public static String sha256Hex(String apiKey) {
    return HexFormat.of().formatHex(KeyHasher.sha256(apiKey));
  }

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
