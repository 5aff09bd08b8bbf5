package dev.mcpratelimit.config;

import dev.mcpratelimit.core.NanoClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Keeps the configuration in force in step with its file.
 *
 * <p>The file is polled (its bytes compared, so that same-second edits and editors that replace
 * the file are both seen). A valid new file is handed to {@code onValid}; an invalid one is
 * reported and the last good configuration stays. While no valid configuration has ever been
 * read, the agent limits nothing, and the problems are repeated once a minute so nobody misses
 * them.
 */
public final class ConfigWatcher {

  /** How often the file is read; a change is in force within this interval. */
  public static final long POLL_MILLIS = 500;
  static final long REPEAT_NANOS = TimeUnit.MINUTES.toNanos(1);

  private final Path file;
  private final NanoClock clock;
  private final Consumer<AgentConfig> onValid;
  private final Consumer<String> report;

  private boolean polled;
  private byte[] lastBytes;
  private boolean everValid;
  private List<String> lastProblems = List.of();
  private long lastReportNanos;

  /**
   * @param onValid receives each new valid configuration
   * @param report receives one line per problem, for the operator
   */
  public ConfigWatcher(Path file, NanoClock clock, Consumer<AgentConfig> onValid, Consumer<String> report) {
    this.file = file;
    this.clock = clock;
    this.onValid = onValid;
    this.report = report;
  }

  public Path file() {
    return file;
  }

  /** Whether the file as last read is valid (the configuration in force may be an older one). */
  public synchronized boolean fileValid() {
    return polled && lastProblems.isEmpty();
  }

  /** Reads the file once and acts on what changed. */
  public synchronized void poll() {
    byte[] bytes;
    String unreadable = null;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      bytes = null;
      unreadable = new ConfigProblem(file, 0, null, "cannot read: " + ConfigParser.describe(e)).toString();
    }
    if (polled && Arrays.equals(bytes, lastBytes)) {
      if (!everValid && clock.nanoTime() - lastReportNanos >= REPEAT_NANOS) {
        reportProblems();
      }
      return;
    }
    polled = true;
    lastBytes = bytes;
    if (bytes == null) {
      invalid(List.of(unreadable));
      return;
    }
    try {
      AgentConfig config = ConfigParser.parse(file, new String(bytes, StandardCharsets.UTF_8));
      everValid = true;
      lastProblems = List.of();
      onValid.accept(config);
    } catch (InvalidConfigException e) {
      invalid(e.problems().stream().map(ConfigProblem::toString).toList());
    }
  }

  /** Polls every {@link #POLL_MILLIS} on {@code executor} (the agent's daemon maintenance thread). */
  public void start(ScheduledExecutorService executor) {
    executor.scheduleWithFixedDelay(this::pollQuietly, POLL_MILLIS, POLL_MILLIS, TimeUnit.MILLISECONDS);
  }

  private void pollQuietly() {
    try {
      poll();
    } catch (RuntimeException e) {
      // A watcher that dies silently would freeze the limits; report and keep polling.
      report.accept(file + ": internal error while reloading: " + e);
    }
  }

  private void invalid(List<String> problems) {
    lastProblems = problems;
    reportProblems();
  }

  private void reportProblems() {
    lastReportNanos = clock.nanoTime();
    lastProblems.forEach(report);
    report.accept(everValid
        ? file + ": invalid; the last good configuration stays in force"
        : file + ": no valid configuration; the agent limits nothing until the file is fixed");
  }
}
