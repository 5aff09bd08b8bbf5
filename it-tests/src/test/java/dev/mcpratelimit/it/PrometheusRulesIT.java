package dev.mcpratelimit.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code observability/prometheus-rules.yaml} passes {@code promtool check rules} and its unit
 * tests ({@code promtool test rules prometheus-rules.test.yaml}), which cover every alert both
 * firing and not firing. promtool comes with Debian's prometheus package; without it these tests
 * fail (CI installs it), they do not skip.
 */
class PrometheusRulesIT {

  private static final Map<String, String> ALERTS = Map.of(
      "McpRateLimitPersistentViolator", "warning",
      "McpRateLimitHighRejectionShare", "warning",
      "McpRateLimitInternalErrors", "warning",
      "McpRateLimitConfigInvalid", "critical",
      "McpRateLimitRedisOutage", "critical");

  @Test
  void rulesPassPromtoolCheck() throws Exception {
    Observability.Run run = promtool("check", "rules", "prometheus-rules.yaml");
    assertEquals(0, run.exitCode(), () -> "promtool check rules failed:\n" + run.output());
    assertTrue(run.output().contains("SUCCESS"), run::output);
  }

  @Test
  void rulesPassTheirUnitTests() throws Exception {
    Observability.Run run = promtool("test", "rules", "prometheus-rules.test.yaml");
    assertEquals(0, run.exitCode(), () -> "promtool test rules failed:\n" + run.output());
    assertTrue(run.output().contains("SUCCESS"), run::output);
  }

  @Test
  void theAlertsAreThereWithTheirSeverity() {
    Map<String, String> severities = new LinkedHashMap<>();
    for (JsonNode group : Observability.rules().path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        if (rule.has("alert")) {
          severities.put(rule.path("alert").asString(""), rule.path("labels").path("severity").asString(""));
          assertTrue(rule.path("annotations").has("summary") && rule.path("annotations").has("description"),
              () -> rule.path("alert") + " needs a summary and a description");
        }
      }
    }
    assertEquals(ALERTS, severities);
  }

  /** Every alert has a unit test where it fires and one where it does not. */
  @Test
  void everyAlertIsTestedFiringAndNotFiring() {
    JsonNode tests = Observability.YAML.readTree(Observability.read("prometheus-rules.test.yaml"));
    Set<String> firing = new LinkedHashSet<>();
    Set<String> silent = new LinkedHashSet<>();
    for (JsonNode test : tests.path("tests")) {
      for (JsonNode alertTest : test.path("alert_rule_test")) {
        String alert = alertTest.path("alertname").asString("");
        (alertTest.path("exp_alerts").isEmpty() ? silent : firing).add(alert);
      }
    }
    assertEquals(ALERTS.keySet(), firing, "alerts with a test where they fire");
    assertEquals(ALERTS.keySet(), silent, "alerts with a test where they do not fire");
  }

  /** The rules use only metrics the exporter configuration defines (or recording rules). */
  @Test
  void theRulesUseOnlyExportedMetrics() {
    Set<String> known = new LinkedHashSet<>(Observability.exportedMetricNames());
    for (JsonNode group : Observability.rules().path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        if (rule.has("record")) {
          known.add(rule.path("record").asString(""));
        }
      }
    }
    Set<String> used = Observability.metricNames(Observability.read("prometheus-rules.yaml"));
    used.removeAll(known);
    assertEquals(Set.of(), used, "metrics in prometheus-rules.yaml that nothing exports or records");
  }

  private static Observability.Run promtool(String... args) throws Exception {
    Path promtool = Observability.executable("promtool");
    String[] command = new String[args.length + 1];
    command[0] = promtool.toString();
    System.arraycopy(args, 0, command, 1, args.length);
    return Observability.run(Observability.dir(), Duration.ofSeconds(60), command);
  }
}
