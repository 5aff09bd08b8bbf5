package dev.mcpratelimit.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A lock-free token bucket with continuous refill.
 *
 * <p>The whole state (limit, credit, timestamp) is one immutable object swapped by compare-and-set,
 * so no thread ever sees a half-updated bucket and the bucket never admits more than it holds. The
 * limit travels with the state so that a live configuration change converts the balance (capped at
 * the new burst) instead of resetting it.
 */
public final class TokenBucket {

  private static final VarHandle STATE;

  static {
    try {
      STATE = MethodHandles.lookup().findVarHandle(TokenBucket.class, "state", State.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private record State(BucketLimit limit, long credit, long stamp) {

    /** The credit at {@code now} under {@code target}'s limit (computed, not allocated: hot path). */
    long creditAt(BucketLimit target, long now) {
      long converted = target == limit ? credit : target.convertFrom(limit, credit);
      return target.refill(converted, now - stamp);
    }
  }

  @SuppressWarnings("unused") // accessed through STATE
  private volatile State state;

  /** A full bucket. */
  public TokenBucket(BucketLimit limit, long now) {
    this.state = new State(limit, limit.capacityCredit(), now);
  }

  /**
   * Takes {@code cost} credit if the bucket holds it.
   *
   * @return the balance after the charge: zero or more means admitted (and is what is left),
   *     negative means rejected, nothing was taken, and its magnitude is the missing credit
   */
  public long tryConsume(BucketLimit limit, long cost, long now) {
    while (true) {
      State current = (State) STATE.getVolatile(this);
      long balance = current.creditAt(limit, now) - cost;
      if (balance < 0) {
        return balance;
      }
      if (STATE.compareAndSet(this, current, new State(limit, balance, Math.max(now, current.stamp)))) {
        return balance;
      }
    }
  }

  /** Gives back credit taken by {@link #tryConsume} when another bucket of the same decision refused. */
  public void refund(BucketLimit limit, long credit, long now) {
    while (true) {
      State current = (State) STATE.getVolatile(this);
      long restored = Math.min(limit.capacityCredit(), current.creditAt(limit, now) + credit);
      if (STATE.compareAndSet(this, current, new State(limit, restored, Math.max(now, current.stamp)))) {
        return;
      }
    }
  }

  /** The credit the bucket holds at {@code now}, without charging it. */
  public long available(BucketLimit limit, long now) {
    return ((State) STATE.getVolatile(this)).creditAt(limit, now);
  }

  /** The limit the bucket was last used with (used to decide when an idle bucket is full again). */
  public BucketLimit limit() {
    return ((State) STATE.getVolatile(this)).limit;
  }
}
