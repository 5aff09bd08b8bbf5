package dev.mcpratelimit.core;

/** What the limiter does with a call that lacks tokens. */
public enum Mode {
  /** Reject it. */
  ENFORCE,
  /** Count it as a would-be rejection and let it through: for trying new limits safely. */
  SHADOW,
  /** Do nothing: no buckets, no headers, no counting. */
  OFF
}
