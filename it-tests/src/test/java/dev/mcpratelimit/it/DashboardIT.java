package dev.mcpratelimit.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code observability/grafana-dashboard.json} loads in any Grafana, by the import wizard or by
 * provisioning (a file, a Helm sidecar, Terraform): every panel, query, variable and annotation
 * names its datasource through the {@code datasource} template variable, never an import-time
 * {@code ${DS_...}} input, and every query selects by the {@code job} and {@code instance}
 * variables. It has the expected panels, with units that fit their queries, and queries only
 * exported metrics. {@link PrometheusIT} runs every one of its queries against a live Prometheus.
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
      "Agent version",
      "Rate factor",
      "Persistent violators",
      "Limited method calls by method and outcome",
      "Store",
      "Store in use",
      "Redis outage",
      "Redis outages",
      "Redis round trip p50 and p99",
      "Redis errors by kind",
      "Decisions without Redis");

  /** How every panel, query, variable and annotation names its datasource. */
  private static final String DATASOURCE = "{\"type\":\"prometheus\",\"uid\":\"${datasource}\"}";
  private static final Pattern SELECTOR = Pattern.compile("\\b(mcp_ratelimit_[a-z0-9_]+)\\s*(\\{([^}]*)\\})?");
  private static final Pattern RATE = Pattern.compile("\\brate\\((mcp_ratelimit_[a-z0-9_]+)");
  /** Grafana's custom unit: the value followed by " tokens/s". */
  private static final String TOKENS_PER_SECOND = "suffix:tokens/s";
  private static final String JOB = "job=~\"$job\"";
  private static final String INSTANCE = "instance=~\"$instance\"";

  private final JsonNode dashboard = Observability.dashboard();

  @Test
  void everyPanelQueryVariableAndAnnotationUsesTheDatasourceVariable() {
    assertFalse(dashboard.has("__inputs"), "__inputs: only the UI import wizard resolves them, provisioning does not");
    assertFalse(dashboard.toString().contains("${DS_"), "an import-time datasource input is referenced");
    JsonNode variable = variable("datasource");
    assertEquals(List.of("datasource", "prometheus"),
        List.of(variable.path("type").asString(""), variable.path("query").asString("")), "the datasource variable");

    List<String> wrong = new ArrayList<>();
    for (JsonNode panel : allPanels()) {
      expectDatasource(panel, "panel " + panel.path("title").asString(""), wrong);
      panel.path("targets").forEach(target ->
          expectDatasource(target, "target " + target.path("refId").asString("") + " of " + panel.path("title").asString(""), wrong));
    }
    for (JsonNode query : dashboard.path("templating").path("list")) {
      if (query.path("type").asString("").equals("query")) {
        expectDatasource(query, "variable " + query.path("name").asString(""), wrong);
      }
    }
    for (JsonNode annotation : dashboard.path("annotations").path("list")) {
      if (annotation.path("builtIn").asInt(0) != 1) {
        expectDatasource(annotation, "annotation " + annotation.path("name").asString(""), wrong);
      }
    }
    assertEquals(List.of(), wrong, "not on the datasource variable " + DATASOURCE);
  }

  private static void expectDatasource(JsonNode node, String what, List<String> wrong) {
    if (!node.path("datasource").toString().equals(DATASOURCE)) {
      wrong.add(what + ": " + node.path("datasource"));
    }
  }

  /** A panel, annotation or tier list of one job and instance shows nothing of the others. */
  @Test
  void everyQuerySelectsByJobAndInstance() {
    List<Observability.PanelQuery> queries = new ArrayList<>(Observability.dashboardQueries(dashboard));
    queries.addAll(Observability.annotationQueries(dashboard));
    queries.add(new Observability.PanelQuery("variable tier", "", variable("tier").path("definition").asString("")));
    List<String> unselected = new ArrayList<>();
    for (Observability.PanelQuery query : queries) {
      Matcher selector = SELECTOR.matcher(query.expr());
      boolean any = false;
      while (selector.find()) {
        any = true;
        String matchers = selector.group(3) == null ? "" : selector.group(3);
        if (!matchers.contains(JOB) || !matchers.contains(INSTANCE)) {
          unselected.add(query.panel() + " [" + query.refId() + "]: " + selector.group());
        }
      }
      assertTrue(any, () -> query.panel() + ": no mcp_ratelimit metric in " + query.expr());
    }
    assertEquals(List.of(), unselected, "selectors without " + JOB + " and " + INSTANCE);
    assertTrue(variable("instance").path("definition").asString("").contains(JOB), "instances of the chosen job");
  }

  /** Rates of calls in requests per second, rates of tokens in tokens per second. */
  @Test
  void unitsFitTheQueries() {
    List<String> wrong = new ArrayList<>();
    for (JsonNode panel : allPanels()) {
      String unit = panel.path("fieldConfig").path("defaults").path("unit").asString("");
      for (JsonNode target : panel.path("targets")) {
        Matcher rate = RATE.matcher(target.path("expr").asString(""));
        if (rate.find() && !target.path("expr").asString("").contains("/")) { // a share is no rate
          // A quantile of a histogram of seconds is in seconds.
          String wanted = target.path("expr").asString("").contains("histogram_quantile(") ? "s"
              : rate.group(1).contains("tokens") ? TOKENS_PER_SECOND : "reqps";
          if (!wanted.equals(unit)) {
            wrong.add(panel.path("title").asString("") + ": " + unit + " for " + rate.group(1) + ", wanted " + wanted);
          }
        }
      }
    }
    assertEquals(List.of(), wrong, "units");
  }

  private JsonNode variable(String name) {
    for (JsonNode variable : dashboard.path("templating").path("list")) {
      if (variable.path("name").asString("").equals(name)) {
        return variable;
      }
    }
    return fail("no template variable " + name);
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
      // A row only groups the panels below it.
      assertTrue(panel.path("type").asString("").equals("row") || !panel.path("targets").isEmpty(), () -> title + ": no queries");
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
    Observability.annotationQueries(dashboard).forEach(query -> used.addAll(Observability.metricNames(query.expr())));
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
