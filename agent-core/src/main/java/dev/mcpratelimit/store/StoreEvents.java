package dev.mcpratelimit.store;

/** What the Redis store tells the agent's metrics; called on the decision path, so it must be cheap. */
public interface StoreEvents {

  StoreEvents NONE = new StoreEvents() {
    @Override
    public void roundTrip(long nanos) {}

    @Override
    public void failure(RedisErrorKind kind) {}
  };

  /** A decision answered by Redis took {@code nanos}, from sending the script to reading its reply. */
  void roundTrip(long nanos);

  /** A Redis command failed (a decision, a status report, a probe, a reset, a count). */
  void failure(RedisErrorKind kind);
}
