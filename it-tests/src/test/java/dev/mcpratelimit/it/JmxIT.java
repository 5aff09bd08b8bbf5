package dev.mcpratelimit.it;

import static dev.mcpratelimit.it.Calls.RECOMMEND;
import static dev.mcpratelimit.it.Calls.TRACK;
import static dev.mcpratelimit.it.Calls.assertAllowedTimes;
import static dev.mcpratelimit.it.Calls.assertRateLimited;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelcontextprotocol.client.McpSyncClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanOperationInfo;
import javax.management.MBeanParameterInfo;
import javax.management.MBeanServerConnection;
import javax.management.Notification;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;
import javax.management.remote.JMXConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What an operator sees and does through JMX (what jconsole shows), on a forked server. */
class JmxIT {

  private static final String ANON = "anon:127.0.0.1";

  @Test
  void countersViolatorsAndOverridesThroughJmx(@TempDir Path dir) throws Exception {
    Path config = ConfigFile.write(dir, "ratelimit.properties",
        "tier.free.rate=10/h", "tier.free.burst=10", "reject.http-status=200", "violations.threshold=1", "violations.window-seconds=60",
        "method.upstream.target=com.example.music.CatalogClient#recommend", "tool.upstream.global.rate=60/min",
        ConfigFile.caller("alice", "alice-key", "premium")[0], ConfigFile.caller("alice", "alice-key", "premium")[1]);
    try (ForkedServer server = ForkedServer.sampleServer().agent(config).start();
         McpSyncClient anonymous = McpClients.http(server, null);
         McpSyncClient alice = McpClients.http(server, "alice-key");
         JMXConnector jmx = server.jmx()) {
      server.assertAgentStarted("enforce");
      MBeanServerConnection mbeans = jmx.getMBeanServerConnection();
      ObjectName limiter = new ObjectName("dev.mcpratelimit:type=Limiter");
      // Registered 2 s after start, or at the first call: an operator who attaches at once waits for them.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!mbeans.isRegistered(limiter) && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      BlockingQueue<Notification> notifications = new LinkedBlockingQueue<>();
      mbeans.addNotificationListener(limiter, (notification, handback) -> notifications.add(notification), null, null);

      assertAllowedTimes(3, alice, "get_track", TRACK);
      assertAllowedTimes(2, alice, "recommend_tracks", RECOMMEND);
      assertAllowedTimes(10, anonymous, "get_track", TRACK);
      assertRateLimited(anonymous, "get_track", TRACK, "call 11");
      assertRateLimited(anonymous, "get_track", TRACK, "call 12");

      assertEquals("enforce", mbeans.getAttribute(limiter, "Mode"));
      assertEquals(true, mbeans.getAttribute(limiter, "ConfigValid"));
      // MCP tool calls only: the method inside each recommend_tracks call has its own bean.
      assertEquals(15L, mbeans.getAttribute(limiter, "AllowedTotal"));
      assertEquals(2L, mbeans.getAttribute(limiter, "RejectedTotal"));
      assertEquals(15L, mbeans.getAttribute(limiter, "TokensConsumedTotal"));
      assertEquals(2L, mbeans.getAttribute(new ObjectName("dev.mcpratelimit:type=MethodUsage,tier=premium,method=upstream"),
          "Allowed"));
      assertEquals(Set.of(), mbeans.queryNames(new ObjectName("dev.mcpratelimit:type=Usage,tool=upstream,*"), null));
      assertEveryPartIsDescribed(mbeans);
      // The store: memory here, so no Redis, no outage, and an empty round-trip histogram.
      ObjectName store = new ObjectName("dev.mcpratelimit:type=Store");
      assertEquals("memory", mbeans.getAttribute(store, "Kind"));
      assertEquals("none", mbeans.getAttribute(store, "OutageRule"));
      assertEquals(false, mbeans.getAttribute(store, "InOutage"));
      assertEquals(0L, mbeans.getAttribute(store, "Outages"));
      assertEquals(0L, mbeans.getAttribute(store, "LocalDecisions"));
      assertEquals(0L, mbeans.getAttribute(store, "RoundTripCount"));
      CompositeData buckets = (CompositeData) mbeans.getAttribute(store, "RoundTripSecondsBuckets");
      assertEquals(0L, buckets.get("+Inf"));
      assertTrue(buckets.getCompositeType().keySet().containsAll(Set.of("0.0001", "0.001", "0.01", "0.1", "1", "5", "+Inf")),
          () -> "le items: " + buckets.getCompositeType().keySet());
      assertEquals(0L, mbeans.getAttribute(limiter, "InternalErrors"));
      ObjectName freeTrack = new ObjectName("dev.mcpratelimit:type=Usage,tier=free,tool=get_track");
      assertEquals(10L, mbeans.getAttribute(freeTrack, "Allowed"));
      assertEquals(2L, mbeans.getAttribute(freeTrack, "Rejected"));
      assertEquals(3L, mbeans.getAttribute(new ObjectName("dev.mcpratelimit:type=Usage,tier=premium,tool=get_track"), "Allowed"));

      ObjectName violations = new ObjectName("dev.mcpratelimit:type=Violations");
      assertEquals(1, mbeans.getAttribute(violations, "PersistentViolators"));
      TabularData top = (TabularData) mbeans.getAttribute(violations, "TopViolators");
      assertEquals(1, top.size());
      CompositeData row = (CompositeData) top.values().iterator().next();
      assertEquals(List.of(ANON, "free", 2L), List.of(row.get("caller"), row.get("tier"), row.get("rejections")));
      Notification violator = notifications.poll(5, TimeUnit.SECONDS);
      assertEquals("dev.mcpratelimit.violator.persistent", violator.getType());
      assertEquals(Map.of("caller", ANON, "tier", "free", "rejections", 2L, "windowSeconds", 60L), violator.getUserData());

      assertEquals(List.of("caller", "tier", "minutes"), parameterNames(mbeans, limiter, "overrideTier"));
      assertEquals(List.of("factor", "minutes"), parameterNames(mbeans, limiter, "scaleRates"));

      // A caller id that no call could be charged to is refused, and nothing changes.
      javax.management.RuntimeMBeanException typo = org.junit.jupiter.api.Assertions.assertThrows(
          javax.management.RuntimeMBeanException.class, () -> mbeans.invoke(limiter, "overrideTier",
              new Object[] {"alcie", "enterprise", 1},
              new String[] {String.class.getName(), String.class.getName(), int.class.getName()}));
      assertTrue(String.valueOf(typo.getTargetException().getMessage()).startsWith("unknown caller \"alcie\""),
          () -> String.valueOf(typo.getTargetException()));
      assertEquals(0, mbeans.getAttribute(limiter, "ActiveOverrides"));

      // Another tier for a while: the caller keeps its (empty) bucket but refills at enterprise speed.
      assertEquals(ANON + " is on tier enterprise for 1 min", mbeans.invoke(limiter, "overrideTier",
          new Object[] {ANON, "enterprise", 1}, new String[] {String.class.getName(), String.class.getName(), int.class.getName()}));
      assertEquals("dev.mcpratelimit.override", notifications.poll(5, TimeUnit.SECONDS).getType());
      assertEquals(1, mbeans.getAttribute(limiter, "ActiveOverrides"));
      Thread.sleep(200); // 1000/min: a token every 60 ms
      assertEquals("enterprise", Calls.call(anonymous, "rate_limit_status", Map.of()).structuredContent() instanceof Map<?, ?> status
          ? status.get("tier") : null);
      Calls.assertAllowed(anonymous, "get_track", TRACK, "on the overridden tier");

      assertEquals("all tier overrides and rate scaling cleared", mbeans.invoke(limiter, "clearOverrides", new Object[0], new String[0]));
      assertEquals(0, mbeans.getAttribute(limiter, "ActiveOverrides"));
      assertEquals("buckets of " + ANON + " reset",
          mbeans.invoke(limiter, "resetCaller", new Object[] {ANON}, new String[] {String.class.getName()}));
      assertAllowedTimes(10, anonymous, "get_track", TRACK);
      assertRateLimited(anonymous, "get_track", TRACK, "after the reset, exactly the burst again");

      assertEquals("mode set to off (until the file is reloaded)",
          mbeans.invoke(limiter, "changeMode", new Object[] {"off"}, new String[] {String.class.getName()}));
      assertEquals(false, mbeans.getAttribute(limiter, "Enforcing"));
      assertAllowedTimes(20, anonymous, "get_track", TRACK);
      mbeans.invoke(limiter, "changeMode", new Object[] {"enforce"}, new String[] {String.class.getName()});
      assertRateLimited(anonymous, "get_track", TRACK, "enforcing again");

      assertEquals("every tier's rate and burst scaled by 2.0 for 1 min",
          mbeans.invoke(limiter, "scaleRates", new Object[] {2.0, 1}, new String[] {double.class.getName(), int.class.getName()}));
      assertEquals(2.0, mbeans.getAttribute(limiter, "RateFactor"));

      // The server has written the line when the operation returns; this JVM's reader may not have read it yet.
      server.awaitStderr(0, line -> line.contains("override: every tier's rate and burst scaled"), Duration.ofSeconds(10));
      String log = String.join("\n", server.stderr());
      assertTrue(log.contains("[mcp-ratelimit] INFO rejected: caller=" + ANON
          + " tier=free tool=get_track cost=1 scope=caller remaining=0 retry-after="), log);
      assertTrue(log.contains("[mcp-ratelimit] WARNING persistent violator: " + ANON), log);
      assertTrue(log.contains("[mcp-ratelimit] INFO override: " + ANON + " is on tier enterprise for 1 min"), log);
      assertTrue(log.contains("[mcp-ratelimit] INFO override: every tier's rate and burst scaled by 2.0 for 1 min"), log);
      assertTrue(!log.contains("alice-key") && !log.contains(McpClients.sha256("alice-key")), "no key in the log");
      String everything = everyAttribute(mbeans);
      assertTrue(everything.contains(ANON), "callers are named by their id: " + everything);
      assertTrue(!everything.contains("alice-key") && !everything.contains(McpClients.sha256("alice-key")),
          "no key in JMX");
    }
  }

  /** The JDK's texts when an MBean says nothing of itself (StandardMBean, standard MBeans, MXBeans). */
  private static final Set<String> JDK_DEFAULTS = Set.of("Information on the management interface of the MBean",
      "Attribute exposed for management", "Operation exposed for management", "");

  /**
   * What jconsole and jmxterm show of every agent MBean: the bean, each attribute, operation and
   * parameter has a description of its own (not empty, not its name, not the JDK's default), every
   * parameter a name, and every operation impact ACTION and a String result (the line saying what it changed).
   */
  private static void assertEveryPartIsDescribed(MBeanServerConnection mbeans) throws Exception {
    List<String> undescribed = new ArrayList<>();
    Set<String> types = new TreeSet<>();
    for (ObjectName name : mbeans.queryNames(new ObjectName("dev.mcpratelimit:*"), null)) {
      types.add(name.getKeyProperty("type"));
      MBeanInfo info = mbeans.getMBeanInfo(name);
      check(undescribed, name + "", name.getKeyProperty("type"), info.getDescription());
      for (MBeanAttributeInfo attribute : info.getAttributes()) {
        check(undescribed, name + " attribute", attribute.getName(), attribute.getDescription());
      }
      for (MBeanOperationInfo operation : info.getOperations()) {
        check(undescribed, name + " operation", operation.getName(), operation.getDescription());
        if (operation.getImpact() != MBeanOperationInfo.ACTION || !operation.getReturnType().equals(String.class.getName())) {
          undescribed.add(name + " operation " + operation.getName() + ": impact " + operation.getImpact() + ", returns "
              + operation.getReturnType() + " (wanted ACTION, a String)");
        }
        for (MBeanParameterInfo parameter : operation.getSignature()) {
          check(undescribed, name + " " + operation.getName() + " parameter", parameter.getName(), parameter.getDescription());
          if (parameter.getName().matches("p\\d+")) {
            undescribed.add(name + " " + operation.getName() + ": unnamed parameter " + parameter.getName());
          }
        }
      }
    }
    assertEquals(Set.of("Limiter", "MethodUsage", "Store", "Usage", "Violations"), types, "agent MBean types");
    assertEquals(List.of(), undescribed, "parts of the agent's MBeans without a real description");
  }

  private static void check(List<String> undescribed, String where, String name, String description) {
    if (description == null || JDK_DEFAULTS.contains(description.strip()) || description.strip().equalsIgnoreCase(name)) {
      undescribed.add(where + " " + name + ": \"" + description + "\"");
    }
  }

  /** Every attribute of every agent MBean, as text. */
  private static String everyAttribute(MBeanServerConnection mbeans) throws Exception {
    StringBuilder all = new StringBuilder();
    for (ObjectName name : mbeans.queryNames(new ObjectName("dev.mcpratelimit:*"), null)) {
      all.append(name).append('\n');
      for (MBeanAttributeInfo attribute : mbeans.getMBeanInfo(name).getAttributes()) {
        all.append(attribute.getName()).append('=').append(mbeans.getAttribute(name, attribute.getName())).append('\n');
      }
    }
    return all.toString();
  }

  private static List<String> parameterNames(MBeanServerConnection mbeans, ObjectName name, String operation)
      throws Exception {
    for (MBeanOperationInfo info : mbeans.getMBeanInfo(name).getOperations()) {
      if (info.getName().equals(operation)) {
        return Arrays.stream(info.getSignature()).map(MBeanParameterInfo::getName).toList();
      }
    }
    throw new AssertionError("no operation " + operation);
  }
}
