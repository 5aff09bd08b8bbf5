package dev.mcpratelimit.core;

/**
 * Where bucket state lives, as the decision path uses it. Each decision and each status report is
 * a single call, so that a remote store (Redis) answers either in one round trip. Administration
 * (size, resetting a caller) is apart from this, in the store package.
 */
public interface BucketStore {

  /** One bucket that a decision charges, with the limit it has under the configuration in force. */
  record Charge(BucketKey key, BucketLimit limit) {}

  /**
   * What a decision found.
   *
   * @param admitted whether every bucket held the cost, so that all were charged (else none was)
   * @param credit per charge, in order, in that limit's credit units: what the bucket holds after
   *     the decision (after the charge when admitted; as it stands when not)
   */
  record Balances(boolean admitted, long[] credit) {}

  /**
   * Takes {@code tokens} from every bucket, or from none if any of them lacks them. Atomic with
   * respect to other decisions: concurrent calls never admit more than a bucket holds.
   */
  Balances tryConsume(Charge[] charges, long tokens);

  /** The credit each bucket holds now, in order, without charging or creating any. */
  long[] peek(Charge[] charges);
}
