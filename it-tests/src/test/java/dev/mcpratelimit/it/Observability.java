package dev.mcpratelimit.it;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * What the observability tests share: the files in {@code observability/}, the Prometheus JMX
 * exporter agent, Prometheus' own tools (Debian's {@code prometheus} package), HTTP and the
 * dashboard's queries.
 */
final class Observability {

  static final ObjectMapper JSON = JsonMapper.builder().build();
  static final ObjectMapper YAML = YAMLMapper.builder().build();

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final Pattern METRIC_NAME = Pattern.compile("\\bmcp_ratelimit[a-z0-9_:]*");

  private Observability() {}

  /** {@code observability/} of the repository (system property {@code observability.dir}, set in the pom). */
  static Path dir() {
    String value = System.getProperty("observability.dir");
    assertTrue(value != null && !value.isBlank(), "system property observability.dir is not set (run through Failsafe)");
    Path dir = Path.of(value).toAbsolutePath().normalize();
    assertTrue(Files.isDirectory(dir), "observability.dir does not exist: " + dir);
    return dir;
  }

  static Path file(String name) {
    Path file = dir().resolve(name);
    assertTrue(Files.isRegularFile(file), "missing " + file);
    return file;
  }

  static String read(String name) {
    try {
      return Files.readString(file(name), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * {@code -javaagent:<jmx_prometheus_javaagent jar>=127.0.0.1:<port>:observability/jmx-exporter.yaml},
   * the documented way to attach the exporter next to the agent.
   */
  static String exporterOption(int port) {
    return "-javaagent:" + ForkedServer.jar("jmx-exporter.jar") + "=127.0.0.1:" + port + ":" + file("jmx-exporter.yaml");
  }

  /** A TCP port free on the loopback interface just now. */
  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * An executable on the PATH (or in /usr/bin, /usr/local/bin). Missing, the test fails rather than
   * skips: CI installs it ({@code .ci/run}), and a test that silently skips checks nothing.
   */
  static Path executable(String name) {
    List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
    dirs.addAll(List.of("/usr/bin", "/usr/local/bin"));
    for (String dir : dirs) {
      if (dir.isBlank()) {
        continue;
      }
      Path candidate = Path.of(dir, name);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return fail(name + " is not installed (not on the PATH: " + System.getenv("PATH") + "). It comes with Debian's"
        + " prometheus package: apt-get update && apt-get install -y --no-install-recommends prometheus (.ci/run does this)");
  }

  record Run(int exitCode, String output) {}

  /** Runs {@code command} in {@code dir} and returns its exit code and output (stdout and stderr). */
  static Run run(Path dir, Duration timeout, String... command) throws IOException, InterruptedException {
    Path output = Files.createTempFile("observability-run", ".log");
    try {
      Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
          .redirectOutput(output.toFile()).start();
      process.getOutputStream().close();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        return fail(String.join(" ", command) + " did not finish within " + timeout.toSeconds() + " s; output:\n"
            + Files.readString(output));
      }
      return new Run(process.exitValue(), Files.readString(output));
    } finally {
      Files.deleteIfExists(output);
    }
  }

  /** GET {@code url}; fails on a status other than 200. */
  static String get(String url) throws IOException, InterruptedException {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      fail("GET " + url + ": HTTP " + response.statusCode() + "\n" + response.body());
    }
    return response.body();
  }

  /** Every {@code mcp_ratelimit...} name in {@code text} (metrics and recording rules). */
  static Set<String> metricNames(String text) {
    Set<String> names = new LinkedHashSet<>();
    Matcher matcher = METRIC_NAME.matcher(text);
    while (matcher.find()) {
      names.add(matcher.group());
    }
    return names;
  }

  /** The metric names the exporter configuration defines ({@code name:} of its rules). */
  static Set<String> exportedMetricNames() {
    Set<String> names = new LinkedHashSet<>();
    for (JsonNode rule : YAML.readTree(read("jmx-exporter.yaml")).path("rules")) {
      names.add(rule.path("name").asString(""));
    }
    return names;
  }

  /** The rules file as a tree. */
  static JsonNode rules() {
    return YAML.readTree(read("prometheus-rules.yaml"));
  }

  /** The {@code expr} of the alerting rule {@code alert}. */
  static String alertExpr(String alert) {
    for (JsonNode group : rules().path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        if (alert.equals(rule.path("alert").asString(null))) {
          return rule.path("expr").asString("");
        }
      }
    }
    return fail("no alert " + alert + " in prometheus-rules.yaml");
  }

  static JsonNode dashboard() {
    return JSON.readTree(read("grafana-dashboard.json"));
  }

  /** One query of a dashboard panel. */
  record PanelQuery(String panel, String refId, String expr) {

    /**
     * The query as Prometheus runs it for Grafana: its interval variables replaced by fixed
     * durations and every template variable by {@code .*} (the "All" value).
     */
    String runnable(Set<String> variables) {
      String query = expr.replace("$__rate_interval", "1m").replace("${__rate_interval}", "1m")
          .replace("$__interval", "5s").replace("${__interval}", "5s")
          .replace("$__range", "5m").replace("${__range}", "5m");
      for (String variable : variables) {
        query = query.replace("${" + variable + "}", ".*").replace("$" + variable, ".*");
      }
      return query;
    }
  }

  /** Every query of every panel of the dashboard (panels in rows too). */
  static List<PanelQuery> dashboardQueries(JsonNode dashboard) {
    List<PanelQuery> queries = new ArrayList<>();
    collect(dashboard.path("panels"), queries);
    return queries;
  }

  private static void collect(JsonNode panels, List<PanelQuery> queries) {
    for (JsonNode panel : panels) {
      for (JsonNode target : panel.path("targets")) {
        queries.add(new PanelQuery(panel.path("title").asString(""), target.path("refId").asString(""),
            target.path("expr").asString("")));
      }
      collect(panel.path("panels"), queries);
    }
  }

  /** The query of every annotation of the dashboard that has one (not Grafana's built-in annotations). */
  static List<PanelQuery> annotationQueries(JsonNode dashboard) {
    List<PanelQuery> queries = new ArrayList<>();
    for (JsonNode annotation : dashboard.path("annotations").path("list")) {
      if (annotation.has("expr")) {
        queries.add(new PanelQuery("annotation " + annotation.path("name").asString(""), "", annotation.path("expr").asString("")));
      }
    }
    return queries;
  }

  /** The names of the dashboard's template variables. */
  static Set<String> dashboardVariables(JsonNode dashboard) {
    Set<String> names = new LinkedHashSet<>();
    for (JsonNode variable : dashboard.path("templating").path("list")) {
      names.add(variable.path("name").asString(""));
    }
    return names;
  }

  /** Label maps are compared as text in messages. */
  static String labels(Map<String, String> labels) {
    return labels.toString();
  }
}
