package dev.mcpratelimit.store;

/** What operators do to a store, apart from the decision path. */
public interface BucketAdmin {

  /** How many buckets the store tracks (approximate for concurrent stores). */
  long size();

  /** Buckets dropped by a size bound while they still owed tokens (their debts were forgiven). */
  long forgivenEvictions();

  /** Forgets every bucket of {@code caller}: its next call starts with full buckets. */
  void resetCaller(String caller);
}
