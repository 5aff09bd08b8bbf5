package dev.mcpratelimit.runtime;

import dev.mcpratelimit.metrics.RoundTripHistogram;
import dev.mcpratelimit.metrics.StoreMBean;
import dev.mcpratelimit.store.OutageGuard;
import dev.mcpratelimit.store.RedisErrorKind;
import dev.mcpratelimit.store.StoreEvents;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;
import javax.management.openmbean.CompositeData;

/**
 * The store as JMX ({@code type=Store}) and Prometheus see it: the kind and outage state read from
 * the store in use, errors by kind and round-trip times as the Redis store reports them.
 */
final class StoreMetrics implements StoreMBean, StoreEvents {

  private final StoreChoice store;
  private final LongAdder[] errors = new LongAdder[RedisErrorKind.values().length];
  private final RoundTripHistogram roundTrips = new RoundTripHistogram();

  StoreMetrics(StoreChoice store) {
    this.store = store;
    for (int i = 0; i < errors.length; i++) {
      errors[i] = new LongAdder();
    }
  }

  @Override
  public void roundTrip(long nanos) {
    roundTrips.record(nanos);
  }

  @Override
  public void failure(RedisErrorKind kind) {
    errors[kind.ordinal()].increment();
  }

  @Override
  public String getKind() {
    return store.redis() == null ? "memory" : "redis";
  }

  @Override
  public String getEndpoint() {
    OutageGuard redis = store.redis();
    return redis == null ? "" : redis.settings().endpoint();
  }

  @Override
  public String getOutageRule() {
    OutageGuard redis = store.redis();
    return redis == null ? "none" : redis.settings().onOutage().name().toLowerCase(Locale.ROOT);
  }

  @Override
  public boolean isInOutage() {
    OutageGuard redis = store.redis();
    return redis != null && redis.inOutage();
  }

  @Override
  public long getOutages() {
    OutageGuard redis = store.redis();
    return redis == null ? 0 : redis.outages();
  }

  @Override
  public long getLocalDecisions() {
    OutageGuard redis = store.redis();
    return redis == null ? 0 : redis.localDecisions();
  }

  private long errors(RedisErrorKind kind) {
    return errors[kind.ordinal()].sum();
  }

  @Override
  public long getTimeouts() {
    return errors(RedisErrorKind.TIMEOUT);
  }

  @Override
  public long getConnectionRefused() {
    return errors(RedisErrorKind.CONNECTION_REFUSED);
  }

  @Override
  public long getAuthErrors() {
    return errors(RedisErrorKind.AUTH);
  }

  @Override
  public long getScriptErrors() {
    return errors(RedisErrorKind.SCRIPT);
  }

  @Override
  public long getOtherErrors() {
    return errors(RedisErrorKind.OTHER);
  }

  @Override
  public long getRoundTripCount() {
    return roundTrips.count();
  }

  @Override
  public long getRoundTripMicrosSum() {
    return roundTrips.microsSum();
  }

  @Override
  public CompositeData getRoundTripSecondsBuckets() {
    return roundTrips.toCompositeData();
  }
}
