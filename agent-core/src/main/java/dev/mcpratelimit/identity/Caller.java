package dev.mcpratelimit.identity;

/**
 * A configured caller: its id (what logs, metrics and tools call it), its tier, and the SHA-256 of
 * its API key in lowercase hex ({@code null} for a caller without a key, such as the stdio caller).
 */
public record Caller(String id, String tier, String apiKeySha256) {

  @Override
  public String toString() {
    // Never print the hash either: it identifies the key.
    return "Caller[" + id + ", tier " + tier + "]";
  }
}
