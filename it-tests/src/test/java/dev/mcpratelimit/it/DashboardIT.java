package dev.mcpratelimit.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code observability/grafana-dashboard.json} is importable into any Grafana (one datasource input,
 * {@code DS_PROMETHEUS}, used everywhere), has the expected panels and queries only exported metrics.
 * {@link PrometheusIT} runs every one of its queries against a live Prometheus.
 */
class DashboardIT {

  static final List<String> PANELS = List.of(
      "Request rate by tier and outcome",
      "Rejections by tier and tool",
      "Rejection share by tier",
      "Top violators",
      "Tokens consumed by tool",
      "Tracked buckets",
      "Internal errors and forgiven evictions",
      "Configuration",
      "Config reloads",
      "Mode",
      "Rate factor",
      "Persistent violators");

  private final JsonNode dashboard = Observability.dashboard();

  @Test
  void hasOneDatasourceInputUsedByEveryPanelQueryAndVariable() {
    JsonNode inputs = dashboard.path("__inputs");
    assertEquals(1, inputs.size(), "__inputs");
    assertEquals("DS_PROMETHEUS", inputs.path(0).path("name").asString(""));
    assertEquals("datasource", inputs.path(0).path("type").asString(""));
    assertEquals("prometheus", inputs.path(0).path("pluginId").asString(""));

    List<String> wrong = new ArrayList<>();
    checkDatasources(dashboard, "", wrong);
    assertEquals(List.of(), wrong, "datasources not ${DS_PROMETHEUS}");
    // No datasource reference left out: every panel, target and query variable names one.
    for (JsonNode panel : allPanels()) {
      assertTrue(panel.has("datasource"), () -> "panel without datasource: " + panel.path("title"));
      panel.path("targets").forEach(target -> assertTrue(target.has("datasource"),
          () -> "target without datasource in " + panel.path("title")));
    }
    dashboard.path("templating").path("list").forEach(variable -> assertTrue(variable.has("datasource"),
        () -> "variable without datasource: " + variable.path("name")));
  }

  private static void checkDatasources(JsonNode node, String path, List<String> wrong) {
    if (node.isObject()) {
      for (var entry : node.properties()) {
        String here = path + "/" + entry.getKey();
        JsonNode value = entry.getValue();
        if (entry.getKey().equals("datasource") && value.isObject()
            && !value.path("type").asString("").equals("grafana")) {
          if (!value.path("uid").asString("").equals("${DS_PROMETHEUS}")
              || !value.path("type").asString("").equals("prometheus")) {
            wrong.add(here + " = " + value);
          }
        } else if (entry.getKey().equals("datasource") && value.isString()
            && !value.asString("").equals("${DS_PROMETHEUS}")) {
          wrong.add(here + " = " + value);
        }
        checkDatasources(value, here, wrong);
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        checkDatasources(node.get(i), path + "/" + i, wrong);
      }
    }
  }

  @Test
  void isAnImportableDashboard() {
    assertTrue(dashboard.path("id").isNull(), "id must be null for import");
    assertFalse(dashboard.path("uid").asString("").isBlank(), "uid");
    assertFalse(dashboard.path("title").asString("").isBlank(), "title");
    assertTrue(dashboard.path("schemaVersion").asInt(0) > 0, "schemaVersion");
    Set<Integer> ids = new HashSet<>();
    for (JsonNode panel : allPanels()) {
      String title = panel.path("title").asString("");
      assertTrue(ids.add(panel.path("id").asInt(-1)), () -> "duplicate or missing panel id: " + title);
      for (String key : List.of("x", "y", "w", "h")) {
        assertTrue(panel.path("gridPos").path(key).isInt(), () -> title + ": gridPos." + key);
      }
      assertFalse(panel.path("type").asString("").isBlank(), () -> title + ": type");
      Set<String> refIds = new HashSet<>();
      assertFalse(panel.path("targets").isEmpty(), () -> title + ": no queries");
      for (JsonNode target : panel.path("targets")) {
        assertTrue(refIds.add(target.path("refId").asString("")), () -> title + ": duplicate refId");
        assertFalse(target.path("expr").asString("").isBlank(), () -> title + ": empty expr");
      }
    }
  }

  @Test
  void hasThePanels() {
    Set<String> titles = new LinkedHashSet<>();
    allPanels().forEach(panel -> titles.add(panel.path("title").asString("")));
    assertTrue(titles.containsAll(PANELS), () -> "panels " + titles + " lack some of " + PANELS);
  }

  @Test
  void queriesOnlyExportedMetrics() {
    Set<String> used = new LinkedHashSet<>();
    Observability.dashboardQueries(dashboard).forEach(query -> used.addAll(Observability.metricNames(query.expr())));
    dashboard.path("templating").path("list").forEach(variable ->
        used.addAll(Observability.metricNames(variable.path("definition").asString(""))));
    used.removeAll(Observability.exportedMetricNames());
    assertEquals(Set.of(), used, "metrics the dashboard queries that the exporter does not export");
  }

  /** Every metric the exporter configuration defines is documented in observability/README.md. */
  @Test
  void everyExportedMetricIsDocumented() {
    String readme = Observability.read("README.md");
    Set<String> missing = new LinkedHashSet<>(Observability.exportedMetricNames());
    missing.removeIf(name -> readme.contains("`" + name + "`"));
    assertEquals(Set.of(), missing, "metrics missing from observability/README.md");
  }

  private List<JsonNode> allPanels() {
    List<JsonNode> panels = new ArrayList<>();
    collect(dashboard.path("panels"), panels);
    return panels;
  }

  private static void collect(JsonNode nodes, List<JsonNode> panels) {
    for (JsonNode panel : nodes) {
      panels.add(panel);
      collect(panel.path("panels"), panels);
    }
  }
}
