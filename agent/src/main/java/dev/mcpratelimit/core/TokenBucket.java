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

    /** This state brought forward to {@code now} under {@code target}'s limit. */
    State at(BucketLimit target, long now) {
      long converted = target == limit ? credit : target.convertFrom(limit, credit);
      long elapsed = now - stamp;
      return new State(target, target.refill(converted, elapsed), Math.max(now, stamp));
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
      State refilled = current.at(limit, now);
      long balance = refilled.credit - cost;
      if (balance < 0) {
        return balance;
      }
      if (STATE.compareAndSet(this, current, new State(limit, balance, refilled.stamp))) {
        return balance;
      }
    }
  }

  /** Gives back credit taken by {@link #tryConsume} when another bucket of the same decision refused. */
  public void refund(BucketLimit limit, long credit, long now) {
    while (true) {
      State current = (State) STATE.getVolatile(this);
      State refilled = current.at(limit, now);
      long restored = Math.min(limit.capacityCredit(), refilled.credit + credit);
      if (STATE.compareAndSet(this, current, new State(limit, restored, refilled.stamp))) {
        return;
      }
    }
  }

  /** The credit the bucket holds at {@code now}, without charging it. */
  public long available(BucketLimit limit, long now) {
    return ((State) STATE.getVolatile(this)).at(limit, now).credit;
  }

  /** The limit the bucket was last used with (used to decide when an idle bucket is full again). */
  public BucketLimit limit() {
    return ((State) STATE.getVolatile(this)).limit;
  }
}
