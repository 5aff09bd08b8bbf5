package dev.mcpratelimit.metrics;

import dev.mcpratelimit.metrics.UsageCounters.Usage;
import dev.mcpratelimit.metrics.ViolationTracker.Violator;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import javax.management.MBeanNotificationInfo;
import javax.management.MBeanServer;
import javax.management.Notification;
import javax.management.NotificationBroadcasterSupport;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeDataSupport;
import javax.management.openmbean.CompositeType;
import javax.management.openmbean.OpenDataException;
import javax.management.openmbean.OpenType;
import javax.management.openmbean.SimpleType;
import javax.management.openmbean.TabularData;
import javax.management.openmbean.TabularDataSupport;
import javax.management.openmbean.TabularType;

/**
 * The agent's MXBeans under {@value #DOMAIN}, with {@code type=} first in every name (as the
 * Prometheus JMX exporter wants), and its JMX notifications.
 */
public final class AgentMBeans {

  public static final String DOMAIN = "dev.mcpratelimit";
  /** A caller crossed the persistent-violator threshold; user data: caller, tier, rejections, windowSeconds. */
  public static final String VIOLATOR = "dev.mcpratelimit.violator.persistent";
  /** An operator override was applied, or reverted when its time was up. */
  public static final String OVERRIDE = "dev.mcpratelimit.override";
  /** A valid configuration file was put in force after the start (changed, appeared, valid again). */
  public static final String RELOAD = "dev.mcpratelimit.config.reload";
  /** The configuration file became invalid or unreadable; user data: file, problems, lastGoodInForce. */
  public static final String CONFIG_INVALID = "dev.mcpratelimit.config.invalid";

  /** Parentheses stay, for the tool label {@code (unknown)}; neither ObjectNames nor the exporter mind them. */
  private static final Pattern UNSAFE = Pattern.compile("[^A-Za-z0-9_.()-]");

  private final Supplier<MBeanServer> servers;
  private volatile MBeanServer server;
  private final NotificationBroadcasterSupport emitter = new NotificationBroadcasterSupport(
      new MBeanNotificationInfo(new String[] {VIOLATOR, OVERRIDE, RELOAD, CONFIG_INVALID}, Notification.class.getName(),
          "persistent violators, operator overrides and their reversion, configuration reloads and invalid files"));
  private final AtomicLong sequence = new AtomicLong();
  private final ObjectName limiterName = name("type=Limiter");

  /**
   * @param servers where the beans go, asked once when the first bean is registered: creating the
   *     platform MBean server loads hundreds of JDK classes, which the host's start need not wait for
   */
  public AgentMBeans(Supplier<MBeanServer> servers) {
    this.servers = servers;
  }

  private MBeanServer server() {
    MBeanServer found = server;
    if (found == null) {
      synchronized (this) {
        found = server;
        if (found == null) {
          server = found = servers.get();
        }
      }
    }
    return found;
  }

  /** Registers the operator's surface, which sends the notifications below. */
  public void registerLimiter(LimiterMXBean limiter) throws Exception {
    server().registerMBean(DescribedMBean.emitting(limiter, LimiterMXBean.class,
        "The rate limiter as a whole: mode, configuration, totals of MCP tool calls, and the operator's levers"
            + " (each operation takes effect at once, is logged and sent as a notification)", emitter), limiterName);
  }

  /** @param violations the tracker in force (a reload that changes its settings replaces it) */
  public void registerViolations(Supplier<ViolationTracker> violations) throws Exception {
    server().registerMBean(new DescribedMBean(new Violations(violations), ViolationsMBean.class, false,
        "Callers refused most within the sliding window, and how many are persistent violators"), name("type=Violations"));
  }

  /** Registers the store's state: which store, Redis outages, errors by kind, round-trip times. */
  public void registerStore(StoreMBean store) throws Exception {
    server().registerMBean(new DescribedMBean(store, StoreMBean.class, false,
        "The bucket store in use (memory or redis) and, with Redis, whether it answers (outage state and rule),"
            + " its errors by kind, decisions made without it, and the round-trip time of each decision"), name("type=Store"));
  }

  /** What a usage bean counts: the calls of an MCP tool, or of a limited plain method. */
  public enum UsageKind {
    TOOL("Usage", "tool", "Calls of one MCP tool by callers of one tier"),
    /** Apart from tools: a method inside a tool call is part of that one MCP call, already counted. */
    METHOD("MethodUsage", "method", "Calls of one limited plain method (method.<name>.target) by callers of one tier,"
        + " inside MCP tool calls or outside any");

    private final String type;
    private final String key;
    private final String description;

    UsageKind(String type, String key, String description) {
      this.type = type;
      this.key = key;
      this.description = description;
    }
  }

  /** Publishes the counters of one tier and tool or method (called once per pair, when first counted). */
  public void registerUsage(UsageKind kind, String tier, String name, Usage usage) throws Exception {
    ObjectName objectName = name("type=" + kind.type + ",tier=" + safe(tier) + "," + kind.key + "=" + safe(name));
    if (!server().isRegistered(objectName)) {
      server().registerMBean(new DescribedMBean(new UsageBean(usage), UsageMXBean.class, true, kind.description), objectName);
    }
  }

  public void notify(String type, String message, Map<String, Object> data) {
    Notification notification = new Notification(type, limiterName, sequence.incrementAndGet(), message);
    notification.setUserData(new HashMap<>(data));
    emitter.sendNotification(notification);
  }

  public void notifyViolator(Violator violator, long windowNanos) {
    notify(VIOLATOR, "persistent violator " + violator.caller() + " (tier " + violator.tier() + "): "
        + violator.rejections() + " rejections within " + TimeUnit.NANOSECONDS.toSeconds(windowNanos) + " s",
        Map.of("caller", violator.caller(), "tier", violator.tier(), "rejections", violator.rejections(),
            "windowSeconds", TimeUnit.NANOSECONDS.toSeconds(windowNanos)));
  }

  /** Label values stay unquoted for the exporter: anything unusual becomes '_'. */
  static String safe(String value) {
    return value.isEmpty() ? "_" : UNSAFE.matcher(value).replaceAll("_");
  }

  private static ObjectName name(String properties) {
    try {
      return new ObjectName(DOMAIN + ":" + properties);
    } catch (javax.management.MalformedObjectNameException e) {
      throw new IllegalArgumentException(properties, e);
    }
  }

  private record UsageBean(Usage usage) implements UsageMXBean {
    @Override
    public long getAllowed() {
      return usage.allowed();
    }

    @Override
    public long getRejected() {
      return usage.rejected();
    }

    @Override
    public long getShadowRejected() {
      return usage.shadowRejected();
    }

    @Override
    public long getUnavailable() {
      return usage.unavailable();
    }

    @Override
    public long getTokensConsumed() {
      return usage.tokensConsumed();
    }
  }

  private record Violations(Supplier<ViolationTracker> trackers) implements ViolationsMBean {
    private static final CompositeType ROW;
    private static final TabularType TABLE;

    static {
      try {
        ROW = new CompositeType("Violator", "a caller and its rejections within the window",
            new String[] {"caller", "tier", "rejections"},
            new String[] {"configured caller id, or anon:<address>", "the caller's tier", "rejections within the window"},
            new OpenType<?>[] {SimpleType.STRING, SimpleType.STRING, SimpleType.LONG});
        // Both are the index: the Prometheus exporter makes labels of index items only.
        TABLE = new TabularType("Violators", "callers with the most rejections", ROW, new String[] {"caller", "tier"});
      } catch (OpenDataException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    @Override
    public int getPersistentViolators() {
      return trackers.get().persistentViolators();
    }

    @Override
    public long getWindowSeconds() {
      return TimeUnit.NANOSECONDS.toSeconds(trackers.get().windowNanos());
    }

    @Override
    public long getThreshold() {
      return trackers.get().threshold();
    }

    @Override
    public TabularData getTopViolators() {
      TabularDataSupport table = new TabularDataSupport(TABLE);
      for (Violator violator : trackers.get().top()) {
        try {
          table.put(new CompositeDataSupport(ROW, new String[] {"caller", "tier", "rejections"},
              new Object[] {violator.caller(), violator.tier(), violator.rejections()}));
        } catch (OpenDataException e) {
          throw new IllegalStateException(e);
        }
      }
      return table;
    }
  }
}
