package dev.mcpratelimit.metrics;

import javax.management.openmbean.CompositeData;

/**
 * {@code dev.mcpratelimit:type=Store}: the bucket store in use and, with {@code store=redis}, whether
 * Redis answers, what failed and how long a decision's round trip takes. A standard MBean, not an
 * MXBean, so the histogram stays one {@code CompositeData} the Prometheus exporter reads item by item.
 * With {@code store=memory} the Redis attributes stay 0.
 */
public interface StoreMBean {

  @Description("the bucket store in use: memory (this JVM only) or redis (shared by every instance on the same Redis"
      + " and key prefix); chosen by the first valid configuration and kept until a restart")
  String getKind();

  @Description("the Redis the store uses, host:port/database (never a password); empty with store=memory")
  String getEndpoint();

  @Description("what calls get while Redis does not answer (store.redis.on-outage): local (this instance's own"
      + " buckets, granting store.redis.outage-share of each limit), allow (every call proceeds) or reject (every"
      + " call is refused); none with store=memory")
  String getOutageRule();

  @Description("true while Redis does not answer and calls are decided by OutageRule; a probe every second ends it")
  boolean isInOutage();

  @Description("outages since the start: times a failed Redis command switched the store to OutageRule")
  long getOutages();

  @Description("decisions made by OutageRule, without Redis, since the start")
  long getLocalDecisions();

  @Description("Redis commands that got no answer within store.redis.timeout (or found no free pooled connection"
      + " within it), since the start; the once-a-second probe during an outage counts too")
  long getTimeouts();

  @Description("Redis commands that found nothing listening at the address (connection refused), since the start;"
      + " the once-a-second probe during an outage counts too")
  long getConnectionRefused();

  @Description("Redis commands refused for their credentials (WRONGPASS, NOAUTH, NOPERM), since the start")
  long getAuthErrors();

  @Description("Redis commands answered with an error reply (the decision script failed), since the start")
  long getScriptErrors();

  @Description("Redis commands that failed otherwise (connection closed by the server, broken reply), since the start")
  long getOtherErrors();

  @Description("decisions answered by Redis whose round trip was timed, since the start")
  long getRoundTripCount();

  @Description("total round-trip time of those decisions, in microseconds")
  long getRoundTripMicrosSum();

  @Description("the round-trip histogram: for each bound in seconds (item names 0.0001 ... 5 and +Inf), decisions"
      + " whose round trip took at most that long, cumulative as Prometheus histogram buckets")
  CompositeData getRoundTripSecondsBuckets();
}
