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
 *
 * <p>A full bucket can be retired ({@link #retireIfFull}): from then on it refuses to be charged,
 * and whoever holds it must fetch its successor. That lets a store forget idle buckets without a
 * lock and without losing a charge that raced the forgetting.
 */
public final class TokenBucket {

  /** What {@link #tryConsume} returns for a retired bucket: fetch the bucket again. */
  public static final long RETIRED = Long.MIN_VALUE;

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

  private static final State RETIRED_STATE = new State(null, 0, 0);

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
   *     negative means rejected, nothing was taken, and its magnitude is the missing credit;
   *     {@link #RETIRED} if this bucket was retired and its successor must be charged instead
   */
  public long tryConsume(BucketLimit limit, long cost, long now) {
    while (true) {
      State current = (State) STATE.getVolatile(this);
      if (current == RETIRED_STATE) {
        return RETIRED;
      }
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
      if (current == RETIRED_STATE) {
        return; // it was full when retired, and its successor starts full
      }
      long restored = Math.min(limit.capacityCredit(), current.creditAt(limit, now) + credit);
      if (STATE.compareAndSet(this, current, new State(limit, restored, Math.max(now, current.stamp)))) {
        return;
      }
    }
  }

  /** The credit the bucket holds at {@code now}, without charging it. */
  public long available(BucketLimit limit, long now) {
    State current = (State) STATE.getVolatile(this);
    return current == RETIRED_STATE ? limit.capacityCredit() : current.creditAt(limit, now);
  }

  /** Whether the bucket is full at {@code now} under the limit it was last used with. */
  public boolean isFull(long now) {
    State current = (State) STATE.getVolatile(this);
    return current == RETIRED_STATE || current.creditAt(current.limit, now) == current.limit.capacityCredit();
  }

  /**
   * Retires the bucket if it is full: nothing is lost by forgetting a full bucket, since a new one
   * starts full too. Once retired it is never charged again.
   *
   * @return whether the bucket is retired now
   */
  public boolean retireIfFull(long now) {
    State current = (State) STATE.getVolatile(this);
    if (current == RETIRED_STATE) {
      return true;
    }
    return current.creditAt(current.limit, now) == current.limit.capacityCredit()
        && STATE.compareAndSet(this, current, RETIRED_STATE);
  }
}
