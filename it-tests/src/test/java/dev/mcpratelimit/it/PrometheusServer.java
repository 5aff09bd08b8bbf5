package dev.mcpratelimit.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;

/**
 * A real Prometheus server (Debian's {@code prometheus}) in its own process: its own port on
 * 127.0.0.1, its own TSDB in a directory of the test, scraping one target every second and
 * evaluating {@code observability/prometheus-rules.yaml} every second. {@link #close()} kills it
 * and waits; a shutdown hook kills whatever is left should the test JVM end first.
 */
final class PrometheusServer implements AutoCloseable {

  static final Duration START_TIMEOUT = Duration.ofSeconds(30);

  private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly), "prometheus-reaper"));
  }

  private final Process process;
  private final Path log;
  private final String url;

  private PrometheusServer(Process process, Path log, String url) {
    this.process = process;
    this.log = log;
    this.url = url;
  }

  /** Starts Prometheus in {@code dir} scraping {@code target} (host:port, job {@code mcp}) and waits until it is ready. */
  static PrometheusServer start(Path dir, String target) throws IOException, InterruptedException {
    Path prometheus = Observability.executable("prometheus");
    Files.createDirectories(dir);
    Path config = dir.resolve("prometheus.yml");
    Files.writeString(config, String.join("\n",
        "global:",
        "  scrape_interval: 1s",
        "  scrape_timeout: 1s",
        "  evaluation_interval: 1s",
        "rule_files:",
        "  - " + Observability.file("prometheus-rules.yaml"),
        "scrape_configs:",
        "  - job_name: mcp",
        "    static_configs:",
        "      - targets: ['" + target + "']",
        ""));
    int port = Observability.freePort();
    Path log = dir.resolve("prometheus.log");
    List<String> command = List.of(prometheus.toString(),
        "--config.file=" + config,
        "--storage.tsdb.path=" + dir.resolve("data"),
        "--web.listen-address=127.0.0.1:" + port);
    Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    LIVE.add(process);
    process.getOutputStream().close();
    PrometheusServer server = new PrometheusServer(process, log, "http://127.0.0.1:" + port);
    try {
      server.awaitReady(command);
      return server;
    } catch (Throwable e) {
      server.close();
      throw e;
    }
  }

  private void awaitReady(List<String> command) throws InterruptedException, IOException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        fail("prometheus exited with " + process.exitValue() + "; command: " + String.join(" ", command) + "\n" + log());
      }
      try {
        Observability.get(url + "/-/ready");
        return;
      } catch (IOException | AssertionError notYet) {
        Thread.sleep(100);
      }
    }
    fail("prometheus not ready within " + START_TIMEOUT.toSeconds() + " s; command: " + String.join(" ", command)
        + "\n" + log());
  }

  String url() {
    return url;
  }

  /** Prometheus' own log so far. */
  String log() throws IOException {
    return Files.exists(log) ? Files.readString(log) : "";
  }

  /** {@code GET /api/v1/<path>} with a successful status; its {@code data}. */
  JsonNode api(String path) throws IOException, InterruptedException {
    JsonNode response = Observability.JSON.readTree(Observability.get(url + "/api/v1/" + path));
    assertEquals("success", response.path("status").asString(""), () -> path + ": " + response);
    return response.path("data");
  }

  /** The result vector of the instant query {@code promql} now. */
  List<JsonNode> query(String promql) throws IOException, InterruptedException {
    JsonNode data = api("query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    assertEquals("vector", data.path("resultType").asString(""), () -> "result type of " + promql + ": " + data);
    List<JsonNode> result = new ArrayList<>();
    data.path("result").forEach(result::add);
    return result;
  }

  /** Polls {@code promql} until its result satisfies {@code done}; fails after {@code timeout}. */
  List<JsonNode> awaitQuery(String promql, Predicate<List<JsonNode>> done, Duration timeout, String what)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      List<JsonNode> result = query(promql);
      if (done.test(result)) {
        return result;
      }
      if (System.nanoTime() > deadline) {
        return fail(what + ": " + promql + " gave " + result + " after " + timeout.toSeconds() + " s; targets: "
            + api("targets").path("activeTargets") + "\nprometheus log:\n" + log());
      }
      Thread.sleep(250);
    }
  }

  /** The active alerts (pending and firing). */
  List<JsonNode> alerts() throws IOException, InterruptedException {
    List<JsonNode> alerts = new ArrayList<>();
    api("alerts").path("alerts").forEach(alerts::add);
    return alerts;
  }

  /** A sample's value in a query result. */
  static double value(JsonNode sample) {
    return Double.parseDouble(sample.path("value").path(1).asString("NaN"));
  }

  @Override
  public void close() {
    try {
      ForkedServer.stop(process);
    } finally {
      LIVE.remove(process);
    }
  }
}
