package dev.mcpratelimit.store;

/** What decides calls while Redis does not answer ({@code store.redis.on-outage}). */
public enum OnOutage {
  /** Buckets in this JVM, each granting {@code store.redis.outage-share} of its limit. */
  LOCAL,
  /** Every call proceeds, unlimited. */
  ALLOW,
  /** Every call is refused. */
  REJECT
}
