package dev.mcpratelimit.config;

/**
 * Which rate-limit headers an HTTP {@code tools/call} response gets ({@code headers}). A rejection
 * gets {@code Retry-After} whatever the set: it is what a 429 means.
 */
public enum HeaderSet {
  /** The {@code X-RateLimit-*} trio and the IETF draft's {@code RateLimit-Policy} and {@code RateLimit}. */
  ALL(true, true),
  /** {@code X-RateLimit-Limit}, {@code -Remaining} and {@code -Reset} only. */
  X_RATELIMIT(true, false),
  /** {@code RateLimit-Policy} and {@code RateLimit} only. */
  IETF(false, true),
  /** None on an admitted call. */
  NONE(false, false);

  private final boolean xRateLimit;
  private final boolean ietf;

  HeaderSet(boolean xRateLimit, boolean ietf) {
    this.xRateLimit = xRateLimit;
    this.ietf = ietf;
  }

  public boolean xRateLimit() {
    return xRateLimit;
  }

  public boolean ietf() {
    return ietf;
  }
}
