package dev.mcpratelimit.core;

/** What happened to one call. */
public enum Outcome {
  ALLOWED,
  REJECTED,
  /** Lacked tokens in shadow mode: let through, counted. */
  SHADOW_REJECTED,
  /** No limit applied: mode off, or no valid configuration in force. */
  NOT_LIMITED
}
