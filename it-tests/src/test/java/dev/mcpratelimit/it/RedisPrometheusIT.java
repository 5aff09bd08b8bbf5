package dev.mcpratelimit.it;

import static dev.mcpratelimit.it.Calls.TRACK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelcontextprotocol.client.McpSyncClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * store=redis with the Prometheus JMX exporter attached: the store's metrics are on /metrics (kind,
 * outage state, errors by kind, the round-trip histogram), a real Prometheus answers every query of
 * the dashboard's "Store" row, and once the redis-server is stopped {@code mcp_ratelimit_redis_outage}
 * becomes 1, the failure is counted as connection_refused and McpRateLimitRedisOutage goes pending.
 */
class RedisPrometheusIT {

  /** The panels of the dashboard's "Store" row. */
  private static final Set<String> STORE_PANELS = Set.of("Store in use", "Redis outage", "Redis outages",
      "Redis round trip p50 and p99", "Redis errors by kind", "Decisions without Redis");

  @TempDir
  Path dir;

  @Test
  void storeMetricsOnTheExporterInPrometheusAndDuringAnOutage() throws Exception {
    RedisProcess redis = new RedisProcess();
    int exporterPort = Observability.freePort();
    String metricsUrl = "http://127.0.0.1:" + exporterPort + "/metrics";
    Path config = ConfigFile.write(dir, "ratelimit.properties",
        "store=redis",
        "store.redis.url=redis://127.0.0.1:" + redis.port() + "/0",
        // Generous on a shared 2-core machine: a slow first call must not start an outage.
        "store.redis.timeout=2s",
        "tier.free.rate=600/min",
        "tier.free.burst=100");
    try (redis;
         ForkedServer server = ForkedServer.sampleServer().jvmOption(Observability.exporterOption(exporterPort))
             .agent(config).start();
         McpSyncClient client = McpClients.http(server, null)) {
      server.assertAgentStarted("enforce");
      int calls = 10;
      for (int i = 0; i < calls; i++) {
        Calls.call(client, "get_track", TRACK);
      }

      // ---- /metrics: the store is redis, no outage, every decision timed in the histogram
      PrometheusText scrape = PrometheusText.parse(Observability.get(metricsUrl));
      assertEquals(1.0, scrape.value("mcp_ratelimit_store", Map.of("kind", "redis")), scrape.lines("mcp_ratelimit_store"));
      assertEquals(0.0, scrape.value("mcp_ratelimit_redis_outage"));
      assertEquals(0.0, scrape.value("mcp_ratelimit_redis_outages_total"));
      assertEquals(0.0, scrape.value("mcp_ratelimit_redis_local_decisions_total"));
      for (String kind : List.of("timeout", "connection_refused", "auth", "script", "other")) {
        assertEquals(0.0, scrape.value("mcp_ratelimit_redis_errors_total", Map.of("kind", kind)), kind);
      }
      double count = scrape.value("mcp_ratelimit_redis_round_trip_seconds_count");
      assertTrue(count >= calls, () -> "round trips " + count + " for " + calls + " calls");
      assertEquals(count, scrape.value("mcp_ratelimit_redis_round_trip_seconds_le", Map.of("le", "+Inf")),
          () -> scrape.lines("mcp_ratelimit_redis_round_trip_seconds_le"));
      assertEquals(16, scrape.samples("mcp_ratelimit_redis_round_trip_seconds_le").size(),
          () -> scrape.lines("mcp_ratelimit_redis_round_trip_seconds_le"));
      double previous = 0;
      List<PrometheusText.Sample> buckets = new ArrayList<>(scrape.samples("mcp_ratelimit_redis_round_trip_seconds_le"));
      buckets.sort(java.util.Comparator.comparingDouble(bucket -> bucket.labels().get("le").equals("+Inf")
          ? Double.POSITIVE_INFINITY : Double.parseDouble(bucket.labels().get("le"))));
      for (PrometheusText.Sample bucket : buckets) {
        assertTrue(bucket.value() >= previous, () -> "cumulative buckets: " + scrape.lines("mcp_ratelimit_redis_round_trip_seconds_le"));
        previous = bucket.value();
      }
      double sum = scrape.value("mcp_ratelimit_redis_round_trip_seconds_sum");
      assertTrue(sum > 0 && sum < count * 2.0, () -> "round-trip seconds in all " + sum);

      // ---- a real Prometheus under a light load: every query of the Store row has data
      AtomicBoolean stop = new AtomicBoolean();
      Thread load = new Thread(() -> {
        while (!stop.get()) {
          try {
            Calls.call(client, "get_track", TRACK);
            Thread.sleep(100);
          } catch (InterruptedException e) {
            return;
          } catch (RuntimeException e) {
            // a rate-limit refusal or the outage's first call: the assertions below say what counts
          }
        }
      }, "redis-prometheus-it-load");
      load.setDaemon(true);
      load.start();
      try (PrometheusServer prometheus = PrometheusServer.start(dir.resolve("prometheus"), "127.0.0.1:" + exporterPort)) {
        Duration wait = Duration.ofSeconds(20);
        prometheus.awaitQuery("up{job=\"mcp\"} == 1", result -> result.size() == 1, wait, "exporter scraped");
        prometheus.awaitQuery("mcp_ratelimit_store{kind=\"redis\"} == 1", result -> result.size() == 1, wait, "store kind");
        // rate() needs two scrapes: then the round-trip quantiles are numbers, not NaN.
        prometheus.awaitQuery("histogram_quantile(0.99, sum by (le) (rate(mcp_ratelimit_redis_round_trip_seconds_bucket[1m]))) > 0",
            result -> result.size() == 1, wait, "p99 from the recording rule's _bucket series");
        JsonNode dashboard = Observability.dashboard();
        Set<String> variables = Observability.dashboardVariables(dashboard);
        List<String> empty = new ArrayList<>();
        int queries = 0;
        for (Observability.PanelQuery query : Observability.dashboardQueries(dashboard)) {
          if (STORE_PANELS.contains(query.panel())) {
            queries++;
            String promql = query.runnable(variables);
            List<JsonNode> result = prometheus.query(promql);
            if (result.isEmpty() || result.stream().anyMatch(sample -> Double.isNaN(PrometheusServer.value(sample)))) {
              empty.add(query.panel() + " [" + query.refId() + "]: " + promql + " -> " + result);
            }
          }
        }
        assertEquals(7, queries, "queries of the Store row");
        assertEquals(List.of(), empty, "Store row queries without data (or NaN)");

        // ---- Redis stops: the next decision starts the outage, the gauge becomes 1
        redis.close();
        prometheus.awaitQuery("mcp_ratelimit_redis_outage == 1", result -> result.size() == 1, wait, "outage in Prometheus");
        PrometheusText during = PrometheusText.parse(Observability.get(metricsUrl));
        assertEquals(1.0, during.value("mcp_ratelimit_redis_outage"));
        assertEquals(1.0, during.value("mcp_ratelimit_redis_outages_total"));
        // A pooled connection the server dropped counts as other; a new one (the probe's) finds nothing listening.
        assertTrue(during.value("mcp_ratelimit_redis_errors_total", Map.of("kind", "connection_refused"))
                + during.value("mcp_ratelimit_redis_errors_total", Map.of("kind", "other")) >= 1,
            () -> during.lines("mcp_ratelimit_redis_errors_total"));
        prometheus.awaitQuery("mcp_ratelimit_redis_errors_total{kind=\"connection_refused\"} > 0", result -> result.size() == 1,
            wait, "the probe's failures counted as connection_refused");
        assertTrue(during.value("mcp_ratelimit_redis_local_decisions_total") >= 1,
            () -> during.lines("mcp_ratelimit_redis_local_decisions_total"));
        prometheus.awaitQuery(Observability.alertExpr("McpRateLimitRedisOutage"), result -> result.size() == 1, wait,
            "alert expression McpRateLimitRedisOutage");
        long deadline = System.nanoTime() + wait.toNanos();
        boolean pending = false;
        while (!pending && System.nanoTime() < deadline) {
          pending = prometheus.alerts().stream()
              .anyMatch(alert -> alert.path("labels").path("alertname").asString("").equals("McpRateLimitRedisOutage"));
          Thread.sleep(250);
        }
        assertTrue(pending, () -> "McpRateLimitRedisOutage neither pending nor firing");
        assertFalse(server.stderr().stream().anyMatch(line -> line.contains("Exception in thread")),
            () -> String.join("\n", server.stderr()));
      } finally {
        stop.set(true);
        load.join(10_000);
      }
    }
  }
}
