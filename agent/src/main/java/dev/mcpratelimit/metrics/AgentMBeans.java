package dev.mcpratelimit.metrics;

import dev.mcpratelimit.metrics.UsageCounters.Usage;
import dev.mcpratelimit.metrics.ViolationTracker.Violator;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanNotificationInfo;
import javax.management.MBeanOperationInfo;
import javax.management.MBeanParameterInfo;
import javax.management.MBeanServer;
import javax.management.Notification;
import javax.management.NotificationBroadcasterSupport;
import javax.management.ObjectName;
import javax.management.StandardEmitterMBean;
import javax.management.StandardMBean;
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

  private final MBeanServer server;
  private final NotificationBroadcasterSupport emitter = new NotificationBroadcasterSupport(
      new MBeanNotificationInfo(new String[] {VIOLATOR, OVERRIDE, RELOAD, CONFIG_INVALID}, Notification.class.getName(),
          "persistent violators, operator overrides and their reversion, configuration reloads and invalid files"));
  private final AtomicLong sequence = new AtomicLong();
  private final ObjectName limiterName = name("type=Limiter");

  public AgentMBeans(MBeanServer server) {
    this.server = server;
  }

  /** Registers the operator's surface, which sends the notifications below. */
  public void registerLimiter(LimiterMXBean limiter) throws Exception {
    server.registerMBean(new Described(limiter, LimiterMXBean.class, emitter), limiterName);
  }

  /** @param violations the tracker in force (a reload that changes its settings replaces it) */
  public void registerViolations(Supplier<ViolationTracker> violations) throws Exception {
    server.registerMBean(new StandardMBean(new Violations(violations), ViolationsMBean.class, false),
        name("type=Violations"));
  }

  /** Publishes the counters of one tier and tool (called once per pair, when first counted). */
  public void registerUsage(String tier, String tool, Usage usage) throws Exception {
    ObjectName name = name("type=Usage,tier=" + safe(tier) + ",tool=" + safe(tool));
    if (!server.isRegistered(name)) {
      server.registerMBean(new StandardMBean(new UsageBean(usage), UsageMXBean.class, true), name);
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

  /** Names the operations' parameters and describes them, for jconsole. */
  private static final class Described extends StandardEmitterMBean {

    private static final Map<String, String[]> PARAMETERS = Map.of(
        "changeMode", new String[] {"mode"},
        "overrideTier", new String[] {"caller", "tier", "minutes"},
        "resetCaller", new String[] {"caller"},
        "scaleRates", new String[] {"factor", "minutes"},
        "clearOverrides", new String[] {});
    private static final Map<String, String> OPERATIONS = Map.of(
        "changeMode", "Set the mode: enforce, shadow (count, never reject) or off. Holds until the next reload of the file.",
        "overrideTier", "Give a caller (its configured id, or anon:<address>) another tier for some minutes.",
        "resetCaller", "Forget a caller's buckets: its next call starts with full buckets.",
        "scaleRates", "Emergency override: multiply every tier's rate and burst by a factor for some minutes.",
        "clearOverrides", "End every tier override and rate scaling now.");
    private static final Map<String, String> PARAMETER_DESCRIPTIONS = Map.of(
        "mode", "enforce | shadow | off",
        "caller", "a configured caller id, or anon:<address>",
        "tier", "a configured tier name",
        "minutes", "how long, after which it reverts by itself",
        "factor", "e.g. 0.5 halves every tier's rate and burst; 2 doubles them");

    Described(LimiterMXBean implementation, Class<LimiterMXBean> type, NotificationBroadcasterSupport emitter) {
      super(implementation, type, true, emitter);
    }

    @Override
    protected String getDescription(MBeanOperationInfo operation) {
      return OPERATIONS.getOrDefault(operation.getName(), super.getDescription(operation));
    }

    @Override
    protected String getParameterName(MBeanOperationInfo operation, MBeanParameterInfo parameter, int sequence) {
      String[] names = PARAMETERS.get(operation.getName());
      return names != null && sequence < names.length ? names[sequence] : super.getParameterName(operation, parameter, sequence);
    }

    @Override
    protected String getDescription(MBeanOperationInfo operation, MBeanParameterInfo parameter, int sequence) {
      String name = getParameterName(operation, parameter, sequence);
      return PARAMETER_DESCRIPTIONS.getOrDefault(name, super.getDescription(operation, parameter, sequence));
    }

    @Override
    protected String getDescription(MBeanAttributeInfo attribute) {
      return switch (attribute.getName()) {
        case "Mode" -> "enforce, shadow or off (none while no valid configuration is in force)";
        case "TrackedBuckets" -> "buckets the store holds now";
        case "InternalErrors" -> "failures inside the agent; each let its call through";
        case "ConfigValid" -> "whether the configuration file as last read is valid (if not, the last good one stays in force)";
        case "ForgivenEvictions" -> "buckets dropped by the size bound while still owing tokens";
        case "RateFactor" -> "every tier's rate and burst are multiplied by this (1 unless scaleRates is in force)";
        default -> super.getDescription(attribute);
      };
    }
  }
}
