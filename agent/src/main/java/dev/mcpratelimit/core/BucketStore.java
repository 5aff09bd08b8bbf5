package dev.mcpratelimit.core;

/**
 * Where bucket state lives. Every decision is a single call, so that a remote store (Redis) can
 * answer it in one round trip.
 */
public interface BucketStore {

  /** One bucket that a decision charges, with the limit it has under the configuration in force. */
  record Charge(BucketKey key, BucketLimit limit) {}

  /**
   * Takes {@code tokens} from every bucket, or from none if any of them lacks them. Atomic with
   * respect to other decisions: concurrent calls never admit more than a bucket holds.
   *
   * @return per charge, in order, the bucket's credit minus the cost (in that limit's credit units):
   *     when every entry is zero or more the call was admitted and the entries are what is left;
   *     otherwise nothing was charged and a negative entry is the credit that bucket lacks
   */
  long[] tryConsume(Charge[] charges, long tokens);

  /** The credit a bucket holds now, without charging it. */
  long available(Charge charge);

  /** How many buckets the store tracks (approximate for concurrent stores). */
  long size();

  /** Forgets every bucket of {@code caller}: its next call starts with full buckets. */
  void resetCaller(String caller);
}
