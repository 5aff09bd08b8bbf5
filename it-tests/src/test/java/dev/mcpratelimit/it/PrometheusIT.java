package dev.mcpratelimit.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The sample server with both agents: the rate limiter and the Prometheus JMX exporter configured by
 * {@code observability/jmx-exporter.yaml}. The exporter's counters equal what the SDK clients saw;
 * then a real Prometheus scrapes it under load with {@code observability/prometheus-rules.yaml}:
 * the metrics arrive, the recording rules have values, the persistent-violator alert goes pending,
 * and every query of {@code observability/grafana-dashboard.json} returns data.
 */
class PrometheusIT {

  private static final Map<String, Object> TRACK = Map.of("id", "trk-1-1");
  private static final Map<String, Object> ALBUM = Map.of("id", "alb-1");
  private static final Map<String, Object> SEARCH = Map.of("query", "blue", "limit", 2);
  private static final Map<String, Object> RECOMMEND = Map.of("seed_track_id", "trk-1-1", "count", 2);
  private static final Map<String, Integer> COST = Map.of("recommend_tracks", 5);
  private static final int THRESHOLD = 3;
  private static final String ANON = "anon:127.0.0.1";

  /** Metric name and TYPE of everything the exporter configuration must produce. */
  static final Map<String, String> METRICS = Map.ofEntries(
      Map.entry("mcp_ratelimit_requests_total", "counter"),
      Map.entry("mcp_ratelimit_tokens_consumed_total", "counter"),
      Map.entry("mcp_ratelimit_tracked_buckets", "gauge"),
      Map.entry("mcp_ratelimit_internal_errors_total", "counter"),
      Map.entry("mcp_ratelimit_config_reloads_total", "counter"),
      Map.entry("mcp_ratelimit_config_valid", "gauge"),
      Map.entry("mcp_ratelimit_enforcing", "gauge"),
      Map.entry("mcp_ratelimit_shadow", "gauge"),
      Map.entry("mcp_ratelimit_rate_factor", "gauge"),
      Map.entry("mcp_ratelimit_active_overrides", "gauge"),
      Map.entry("mcp_ratelimit_forgiven_evictions_total", "counter"),
      Map.entry("mcp_ratelimit_persistent_violators", "gauge"),
      Map.entry("mcp_ratelimit_top_violator_rejections", "gauge"),
      Map.entry("mcp_ratelimit_method_calls_total", "counter"),
      Map.entry("mcp_ratelimit_method_tokens_consumed_total", "counter"),
      Map.entry("mcp_ratelimit_mode", "gauge"),
      Map.entry("mcp_ratelimit_build", "gauge"),
      // The store's: with store=memory the Redis ones are 0 (RedisPrometheusIT has them with Redis).
      Map.entry("mcp_ratelimit_store", "gauge"),
      Map.entry("mcp_ratelimit_redis_outage", "gauge"),
      Map.entry("mcp_ratelimit_redis_outages_total", "counter"),
      Map.entry("mcp_ratelimit_redis_local_decisions_total", "counter"),
      Map.entry("mcp_ratelimit_redis_errors_total", "counter"),
      Map.entry("mcp_ratelimit_redis_round_trip_seconds_le", "gauge"),
      Map.entry("mcp_ratelimit_redis_round_trip_seconds_count", "gauge"),
      Map.entry("mcp_ratelimit_redis_round_trip_seconds_sum", "gauge"));
  /** The sample server's recommend_tracks calls it once per call. */
  private static final String METHOD = "upstream_recommend";

  @TempDir
  Path dir;

  /** What the clients saw: per tier and tool, allowed and rejected calls; per caller, rejections. */
  private static final class Tally {
    final Map<List<String>, long[]> byTierTool = new TreeMap<>((a, b) -> String.join("/", a).compareTo(String.join("/", b)));
    final Map<String, Long> rejectionsByCaller = new TreeMap<>();
    final Map<String, String> tierOf = new TreeMap<>();

    synchronized void call(McpSyncClient client, String caller, String tier, String tool, Map<String, Object> arguments) {
      tierOf.put(caller, tier);
      long[] counts = byTierTool.computeIfAbsent(List.of(tier, tool), key -> new long[2]);
      try {
        CallToolResult result = client.callTool(CallToolRequest.builder(tool).arguments(arguments).build());
        assertFalse(Boolean.TRUE.equals(result.isError()), () -> caller + " " + tool + " failed: " + result);
        counts[0]++;
      } catch (McpError e) {
        assertEquals(-32000, e.getJsonRpcError().code(), () -> caller + " " + tool + ": not a rate-limit error: " + e);
        assertTrue(e.getJsonRpcError().message().startsWith("Rate limit exceeded"), e::getMessage);
        counts[1]++;
        rejectionsByCaller.merge(caller, 1L, Long::sum);
      }
    }

    void calls(int times, McpSyncClient client, String caller, String tier, String tool, Map<String, Object> arguments) {
      for (int i = 0; i < times; i++) {
        call(client, caller, tier, tool, arguments);
      }
    }
  }

  @Test
  void exporterCountsWhatClientsSawAndPrometheusAlertsAndAnswersEveryPanel() throws Exception {
    long start = System.nanoTime();
    List<String> lines = new ArrayList<>(List.of(
        "tier.free.rate=10/min",
        "tier.free.burst=5",
        "tier.basic.rate=60/min",
        "tier.basic.burst=20",
        "default-tier=free",
        "tool.recommend_tracks.cost=5",
        "tool.search_tracks.tier.free.rate=3/min",
        "reject.http-status=200",
        "violations.threshold=" + THRESHOLD,
        "violations.window-seconds=60",
        "method." + METHOD + ".target=com.example.music.CatalogClient#recommend",
        "tool." + METHOD + ".global.rate=600/min"));
    for (String[] caller : List.of(ConfigFile.caller("bob", "key-bob", "free"), ConfigFile.caller("carol", "key-carol", "free"),
        ConfigFile.caller("alice", "key-alice", "basic"))) {
      lines.addAll(List.of(caller));
    }
    Path config = ConfigFile.write(dir, "ratelimit.properties", lines.toArray(String[]::new));
    int exporterPort = Observability.freePort();
    String metricsUrl = "http://127.0.0.1:" + exporterPort + "/metrics";

    try (ForkedServer server = ForkedServer.sampleServer().jvmOption(Observability.exporterOption(exporterPort))
            .agent(config).start();
         McpSyncClient bob = McpClients.http(server, "key-bob");
         McpSyncClient carol = McpClients.http(server, "key-carol");
         McpSyncClient alice = McpClients.http(server, "key-alice");
         McpSyncClient anonymous = McpClients.http(server, null)) {
      server.assertAgentStarted("enforce");
      long serverUp = System.nanoTime();

      // ---- a known mix of calls, then one scrape: every counter equals what the clients saw
      Tally tally = new Tally();
      tally.calls(10, bob, "bob", "free", "get_track", TRACK);
      tally.calls(5, carol, "carol", "free", "search_tracks", SEARCH);
      tally.calls(3, alice, "alice", "basic", "recommend_tracks", RECOMMEND);
      tally.calls(5, alice, "alice", "basic", "search_tracks", SEARCH);
      tally.calls(3, alice, "alice", "basic", "get_album", ALBUM);
      tally.calls(3, anonymous, ANON, "free", "get_album", ALBUM);
      tally.calls(2, anonymous, ANON, "free", "get_track", TRACK);
      assertTrue(tally.rejectionsByCaller.getOrDefault("bob", 0L) > THRESHOLD, () -> "bob should be a violator: " + tally.rejectionsByCaller);

      PrometheusText scrape = PrometheusText.parse(Observability.get(metricsUrl));
      System.out.println("[PrometheusIT] mcp_ratelimit metrics in the scrape: " + scrape.names("mcp_ratelimit"));
      assertExporterMatches(tally, scrape, server);
      long exact = System.nanoTime();

      // ---- a real Prometheus scraping the exporter under a short load
      AtomicBoolean stop = new AtomicBoolean();
      AtomicReference<Throwable> loadError = new AtomicReference<>();
      Thread load = new Thread(() -> {
        try {
          while (!stop.get()) {
            tally.call(bob, "bob", "free", "get_track", TRACK);
            tally.call(alice, "alice", "basic", "get_track", TRACK);
            tally.call(anonymous, ANON, "free", "get_album", ALBUM);
            Thread.sleep(100);
          }
        } catch (Throwable e) {
          loadError.set(e);
        }
      }, "prometheus-it-load");
      load.setDaemon(true);
      load.start();
      try (PrometheusServer prometheus = PrometheusServer.start(dir.resolve("prometheus"), "127.0.0.1:" + exporterPort)) {
        long prometheusUp = System.nanoTime();
        Duration wait = Duration.ofSeconds(20);
        prometheus.awaitQuery("up{job=\"mcp\"} == 1", result -> result.size() == 1, wait, "exporter scraped");
        List<JsonNode> names = prometheus.awaitQuery("count by (__name__) ({__name__=~\"mcp_ratelimit_.*\"})",
            result -> result.size() >= METRICS.size(), wait, "every metric in Prometheus");
        Set<String> stored = names.stream().map(sample -> sample.path("metric").path("__name__").asString(""))
            .collect(Collectors.toCollection(TreeSet::new));
        assertTrue(stored.containsAll(METRICS.keySet()), () -> "in Prometheus: " + stored);
        System.out.println("[PrometheusIT] mcp_ratelimit metrics in Prometheus: " + stored);

        // The persistent-violator alert: its expression holds, and the alert is pending (for: 1m) or firing.
        String violatorExpr = Observability.alertExpr("McpRateLimitPersistentViolator");
        prometheus.awaitQuery(violatorExpr, result -> !result.isEmpty(), wait, "alert expression McpRateLimitPersistentViolator");
        awaitAlert(prometheus, "McpRateLimitPersistentViolator", wait);
        // rate() needs two scrapes in its window; then the recording rules and every panel have data.
        prometheus.awaitQuery("mcp_ratelimit:requests:rate5m{tier=\"free\",tool=\"get_track\",outcome=\"rejected\"} > 0",
            result -> !result.isEmpty(), wait, "recording rule mcp_ratelimit:requests:rate5m");
        prometheus.awaitQuery("mcp_ratelimit:rejection_ratio:rate5m{tier=\"free\"} > 0", result -> !result.isEmpty(), wait,
            "recording rule mcp_ratelimit:rejection_ratio:rate5m");
        prometheus.awaitQuery("rate(mcp_ratelimit_requests_total[1m])", result -> !result.isEmpty(), wait, "rates");
        for (String silent : List.of("McpRateLimitInternalErrors", "McpRateLimitConfigInvalid")) {
          assertTrue(prometheus.alerts().stream().noneMatch(alert -> alert.path("labels").path("alertname").asString("").equals(silent)),
              () -> silent + " is active: " + alerts(prometheus));
        }

        // A reload and an operator override, for the dashboard's annotations to show.
        lines.set(lines.indexOf("tier.basic.burst=20"), "tier.basic.burst=21");
        ConfigFile.replace(config, lines.toArray(String[]::new));
        try (JMXConnector jmx = server.jmx()) {
          jmx.getMBeanServerConnection().invoke(new ObjectName("dev.mcpratelimit:type=Limiter"), "overrideTier",
              new Object[] {"carol", "basic", 5}, new String[] {String.class.getName(), String.class.getName(), int.class.getName()});
        }
        prometheus.awaitQuery("mcp_ratelimit_config_reloads_total == 1 and on (instance) mcp_ratelimit_active_overrides == 1",
            result -> !result.isEmpty(), wait, "the reload and the override in Prometheus");

        JsonNode dashboard = Observability.dashboard();
        Set<String> variables = Observability.dashboardVariables(dashboard);
        List<String> empty = new ArrayList<>();
        List<Observability.PanelQuery> queries = new ArrayList<>(Observability.dashboardQueries(dashboard));
        queries.addAll(Observability.annotationQueries(dashboard));
        for (Observability.PanelQuery query : queries) {
          String promql = query.runnable(variables);
          if (prometheus.query(promql).isEmpty()) {
            empty.add(query.panel() + " [" + query.refId() + "]: " + promql);
          }
        }
        for (JsonNode variable : dashboard.path("templating").path("list")) {
          String definition = variable.path("definition").asString("");
          if (definition.startsWith("label_values(")) {
            // label_values(<selector>, label) is Grafana's; the series behind it must exist.
            String selector = definition.substring("label_values(".length(), definition.lastIndexOf(','));
            String promql = new Observability.PanelQuery("variable " + variable.path("name").asString(""), "", selector)
                .runnable(variables);
            if (prometheus.query(promql).isEmpty()) {
              empty.add("variable " + variable.path("name").asString("") + ": " + promql);
            }
          }
        }
        assertEquals(List.of(), empty, "dashboard queries without data");
        System.out.printf("[PrometheusIT] %d dashboard and annotation queries answered; server start %d ms, calls and exact scrape %d ms,"
                + " prometheus start %d ms, prometheus checks %d ms%n", queries.size(),
            millis(start, serverUp), millis(serverUp, exact), millis(exact, prometheusUp), millis(prometheusUp, System.nanoTime()));
      } finally {
        stop.set(true);
        load.join(30_000);
      }
      if (loadError.get() != null) {
        fail("load thread failed", loadError.get());
      }
    }
  }

  private static long millis(long from, long to) {
    return Duration.ofNanos(to - from).toMillis();
  }

  private static void assertExporterMatches(Tally tally, PrometheusText scrape, ForkedServer server) {
    // Only the agent's MBeans and the exporter's own standard metrics: no host MBean leaks.
    Set<String> foreign = new TreeSet<>(scrape.names(""));
    foreign.removeIf(name -> name.startsWith("mcp_ratelimit_") || name.startsWith("jmx_") || name.startsWith("jvm_")
        || name.startsWith("process_"));
    assertEquals(Set.of(), foreign, "metrics from outside dev.mcpratelimit");

    // The exporter makes a TabularData row's index items (and only those) labels: the rule reads
    // <type=Violations, caller=..., tier=...><TopViolators>rejections, so the table must be indexed by both.
    assertFalse(scrape.samples("mcp_ratelimit_top_violator_rejections").isEmpty(),
        "no mcp_ratelimit_top_violator_rejections although callers were rejected: the exporter rule needs the TopViolators"
            + " TabularType of dev.mcpratelimit:type=Violations indexed by {caller, tier} (index names become labels;"
            + " other row items cannot be)");
    METRICS.forEach((name, type) -> {
      assertEquals(type, scrape.type(name), () -> "TYPE of " + name + "\n" + scrape.lines(name));
      String help = scrape.help(name);
      assertNotNull(help, () -> "HELP of " + name);
      assertFalse(help.startsWith("dev.mcpratelimit") || help.isBlank(), () -> "HELP of " + name + " is the default: " + help);
    });

    // Requests per tier, tool and outcome; tokens = allowed x cost.
    Map<List<String>, long[]> observed = tally.byTierTool;
    Set<List<String>> exported = scrape.samples("mcp_ratelimit_requests_total").stream()
        .map(sample -> List.of(sample.labels().get("tier"), sample.labels().get("tool")))
        .collect(Collectors.toCollection(() -> new TreeSet<>((a, b) -> String.join("/", a).compareTo(String.join("/", b)))));
    assertEquals(observed.keySet(), exported, "tiers and tools with requests");
    Map<String, Double> expected = new LinkedHashMap<>();
    Map<String, Double> actual = new LinkedHashMap<>();
    observed.forEach((tierTool, counts) -> {
      Map<String, String> labels = Map.of("tier", tierTool.get(0), "tool", tierTool.get(1));
      String key = tierTool.get(0) + "/" + tierTool.get(1);
      expected.put(key + " allowed", (double) counts[0]);
      expected.put(key + " rejected", (double) counts[1]);
      expected.put(key + " shadow_rejected", 0.0);
      expected.put(key + " tokens", (double) counts[0] * COST.getOrDefault(tierTool.get(1), 1));
      for (String outcome : List.of("allowed", "rejected", "shadow_rejected")) {
        Map<String, String> withOutcome = new TreeMap<>(labels);
        withOutcome.put("outcome", outcome);
        actual.put(key + " " + outcome, scrape.value("mcp_ratelimit_requests_total", withOutcome));
      }
      actual.put(key + " tokens", scrape.value("mcp_ratelimit_tokens_consumed_total", labels));
    });
    assertEquals(expected, actual, "exported counters vs. what the clients saw");

    // The limited method inside recommend_tracks: once per allowed call, in its own series only.
    long recommended = observed.get(List.of("basic", "recommend_tracks"))[0];
    assertEquals(Map.of("allowed", (double) recommended, "rejected", 0.0, "shadow_rejected", 0.0, "tokens", (double) recommended),
        Map.of("allowed", scrape.value("mcp_ratelimit_method_calls_total", Map.of("tier", "basic", "method", METHOD, "outcome", "allowed")),
            "rejected", scrape.value("mcp_ratelimit_method_calls_total", Map.of("tier", "basic", "method", METHOD, "outcome", "rejected")),
            "shadow_rejected", scrape.value("mcp_ratelimit_method_calls_total",
                Map.of("tier", "basic", "method", METHOD, "outcome", "shadow_rejected")),
            "tokens", scrape.value("mcp_ratelimit_method_tokens_consumed_total", Map.of("tier", "basic", "method", METHOD))),
        "the limited method's counters");
    assertEquals(1, scrape.samples("mcp_ratelimit_method_calls_total").stream()
        .map(sample -> sample.labels().get("method")).distinct().count(), () -> scrape.lines("method_calls"));

    // Strings as labels of a gauge of 1: the mode, the agent's version (the one its start line names).
    assertEquals(1.0, scrape.value("mcp_ratelimit_mode", Map.of("mode", "enforce")), () -> scrape.lines("mcp_ratelimit_mode"));
    assertEquals(1, scrape.samples("mcp_ratelimit_mode").size(), () -> scrape.lines("mcp_ratelimit_mode"));
    List<PrometheusText.Sample> build = scrape.samples("mcp_ratelimit_build");
    assertEquals(1, build.size(), () -> scrape.lines("mcp_ratelimit_build"));
    String version = build.get(0).labels().get("version");
    assertTrue(server.stderr().stream().anyMatch(line -> line.contains("mcp-ratelimit-agent " + version + " started")),
        () -> "version " + version + " is not the start line's: " + server.stderr());

    // The limiter's state.
    Map<String, Double> state = new TreeMap<>();
    for (String name : List.of("mcp_ratelimit_enforcing", "mcp_ratelimit_shadow", "mcp_ratelimit_config_valid",
        "mcp_ratelimit_rate_factor", "mcp_ratelimit_active_overrides", "mcp_ratelimit_internal_errors_total",
        "mcp_ratelimit_forgiven_evictions_total")) {
      state.put(name, scrape.value(name));
    }
    assertEquals(Map.of("mcp_ratelimit_enforcing", 1.0, "mcp_ratelimit_shadow", 0.0, "mcp_ratelimit_config_valid", 1.0,
        "mcp_ratelimit_rate_factor", 1.0, "mcp_ratelimit_active_overrides", 0.0, "mcp_ratelimit_internal_errors_total", 0.0,
        "mcp_ratelimit_forgiven_evictions_total", 0.0), state);
    assertTrue(scrape.value("mcp_ratelimit_tracked_buckets") >= tally.tierOf.size(),
        () -> "a bucket per caller at least: " + scrape.lines("mcp_ratelimit_tracked_buckets"));
    scrape.value("mcp_ratelimit_config_reloads_total");

    // Violators: over the threshold within the window; the top rows are the callers' rejections.
    long violators = tally.rejectionsByCaller.values().stream().filter(count -> count > THRESHOLD).count();
    assertEquals((double) violators, scrape.value("mcp_ratelimit_persistent_violators"), "persistent violators");
    Map<String, Double> top = new TreeMap<>();
    for (PrometheusText.Sample sample : scrape.samples("mcp_ratelimit_top_violator_rejections")) {
      String caller = sample.labels().get("caller");
      assertEquals(Set.of("caller", "tier"), sample.labels().keySet(), () -> "labels of " + sample);
      assertEquals(tally.tierOf.get(caller), sample.labels().get("tier"), () -> "tier of " + sample);
      top.put(caller, sample.value());
    }
    assertTrue(top.containsKey("bob"), () -> "bob among the top violators: " + scrape.lines("top_violator"));
    Map<String, Double> observedTop = new TreeMap<>();
    top.keySet().forEach(caller -> observedTop.put(caller, (double) tally.rejectionsByCaller.getOrDefault(caller, 0L)));
    assertEquals(observedTop, top, "top violators' rejections");
  }

  private static void awaitAlert(PrometheusServer prometheus, String name, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      for (JsonNode alert : prometheus.alerts()) {
        String state = alert.path("state").asString("");
        if (alert.path("labels").path("alertname").asString("").equals(name) && (state.equals("pending") || state.equals("firing"))) {
          return;
        }
      }
      if (System.nanoTime() > deadline) {
        fail(name + " neither pending nor firing after " + timeout.toSeconds() + " s: " + alerts(prometheus)
            + "\nrules: " + prometheus.api("rules"));
      }
      Thread.sleep(250);
    }
  }

  private static String alerts(PrometheusServer prometheus) {
    try {
      return prometheus.alerts().toString();
    } catch (Exception e) {
      return e.toString();
    }
  }
}
