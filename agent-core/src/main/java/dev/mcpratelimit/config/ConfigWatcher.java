package dev.mcpratelimit.config;

import dev.mcpratelimit.core.NanoClock;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Keeps the configuration in force in step with its file.
 *
 * <p>The file is polled (its bytes compared, so that same-second edits and editors that replace
 * the file are both seen). A change is acted on only once the file has stayed the same across two
 * polls, so a file still being written is never applied; the first read, at start, is acted on at
 * once. A valid file is handed to the {@link Listener}, its warnings reported; an invalid one is
 * reported and the last good configuration stays. While no valid configuration has ever been
 * read, the agent limits nothing, and one summary line repeats once a minute so nobody misses it.
 */
public final class ConfigWatcher {

  /** How often the file is read; a change is in force within two intervals. */
  public static final long POLL_MILLIS = 500;
  static final long REPEAT_NANOS = TimeUnit.MINUTES.toNanos(1);

  /** How a valid file relates to what was in force before it. */
  public enum Change {
    /** The first read, at start. */
    START,
    /** A valid file where none was in force yet (missing or invalid since start). */
    APPEARED,
    /** A valid file replacing the valid one in force. */
    CHANGED,
    /** A valid file after an invalid one, while the last good one was in force. */
    VALID_AGAIN
  }

  /** What the agent does with the file's changes. */
  public interface Listener {
    /** A valid file to put in force. */
    void valid(AgentConfig config, Change change);

    /**
     * The file became invalid or unreadable (already reported line by line).
     *
     * @param summary the line that ended the report
     * @param lastGoodInForce whether an earlier valid configuration stays in force
     */
    void invalid(String summary, int problems, boolean lastGoodInForce);
  }

  private final Path file;
  private final NanoClock clock;
  private final Listener listener;
  private final Consumer<String> report;
  private final AtomicLong reloads = new AtomicLong();

  /** Read once, not yet acted on: acted on when the next poll reads the same. */
  private ConfigFile pending;
  /** The last read acted on, {@code null} before the first poll. */
  private ConfigFile settled;
  private boolean everValid;
  private boolean lastValid;
  private int lastProblems;
  private long lastReportNanos;
  /** Written by polls, read by JMX and scrapes, which must never wait for a poll. */
  private volatile boolean fileValid;

  /** @param report receives each line for the operator (problems, warnings, summaries) */
  public ConfigWatcher(Path file, NanoClock clock, Listener listener, Consumer<String> report) {
    this.file = file;
    this.clock = clock;
    this.listener = listener;
    this.report = report;
  }

  public Path file() {
    return file;
  }

  /** Whether the file as last acted on is valid (the configuration in force may be an older one). */
  public boolean fileValid() {
    return fileValid;
  }

  /** How many valid files were put in force after the start (a file that appeared later counts). */
  public long reloads() {
    return reloads.get();
  }

  /** Reads the file once and acts on what changed. */
  public synchronized void poll() {
    ConfigFile read = ConfigFile.read(file);
    if (settled == null) {
      settle(read, Change.START);
    } else if (read.sameAs(settled)) {
      pending = null;
      if (!everValid && clock.nanoTime() - lastReportNanos >= REPEAT_NANOS) {
        lastReportNanos = clock.nanoTime();
        report.accept(file + ": still no valid configuration (" + ProblemReport.count(lastProblems, "problem")
            + "); the agent limits nothing until the file is fixed");
      }
    } else if (read.sameAs(pending)) {
      pending = null;
      settle(read, !everValid ? Change.APPEARED : lastValid ? Change.CHANGED : Change.VALID_AGAIN);
    } else {
      pending = read; // perhaps still being written
    }
  }

  /** Polls every {@link #POLL_MILLIS} on {@code executor}, a thread of the watcher's own. */
  public void start(ScheduledExecutorService executor) {
    executor.scheduleWithFixedDelay(this::pollQuietly, POLL_MILLIS, POLL_MILLIS, TimeUnit.MILLISECONDS);
  }

  private void pollQuietly() {
    try {
      poll();
    } catch (Throwable e) {
      // A watcher that dies silently would freeze the limits; report and keep polling. Errors too:
      // one escaping would cancel the scheduled polling for good.
      report.accept(file + ": internal error while reloading: "
          + ProblemReport.printable(e.toString(), ProblemReport.MAX_MESSAGE_CHARS));
    }
  }

  private void settle(ConfigFile read, Change change) {
    settled = read;
    AgentConfig config;
    try {
      config = read.parse();
    } catch (InvalidConfigException e) {
      invalid(e.problems());
      return;
    }
    ProblemReport.lines(config.warnings(), "warnings").forEach(report);
    everValid = true;
    lastValid = true;
    fileValid = true;
    if (change != Change.START) {
      reloads.incrementAndGet();
    }
    listener.valid(config, change);
  }

  private void invalid(List<ConfigProblem> problems) {
    lastValid = false;
    fileValid = false;
    lastProblems = problems.size();
    lastReportNanos = clock.nanoTime();
    ProblemReport.lines(problems, "problems").forEach(report);
    String summary = everValid
        ? file + ": invalid; the last good configuration stays in force"
        : file + ": no valid configuration; the agent limits nothing until the file is fixed";
    report.accept(summary);
    listener.invalid(summary, problems.size(), everValid);
  }
}
