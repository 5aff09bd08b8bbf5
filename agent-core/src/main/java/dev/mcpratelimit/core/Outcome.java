package dev.mcpratelimit.core;

/** What happened to one call. */
public enum Outcome {
  ALLOWED,
  REJECTED,
  /** Lacked tokens in shadow mode: let through, counted. */
  SHADOW_REJECTED,
  /**
   * The tool may never be called on the caller's tier ({@code allowed=false}, or a cost above a
   * burst that applies there): refused, charged nothing, and retrying will not help.
   */
  UNAVAILABLE,
  /** No limit applied: mode off, or no valid configuration in force. */
  NOT_LIMITED
}
