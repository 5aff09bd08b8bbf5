package dev.mcpratelimit.runtime;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What the agent's log says while it is open, for tests: each message, and each with its level.
 * Open from {@link #listen} to {@link #close}, or during each test as a {@code @RegisterExtension}
 * field ({@link #eachTest}).
 */
public final class LoggedLines implements AutoCloseable, BeforeEachCallback, AfterEachCallback {

  private final List<LogRecord> records = new CopyOnWriteArrayList<>();
  private final Handler handler = new Handler() {
    @Override
    public void publish(LogRecord record) {
      records.add(record);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  private LoggedLines() {}

  public static LoggedLines listen() {
    LoggedLines lines = new LoggedLines();
    lines.open();
    return lines;
  }

  public static LoggedLines eachTest() {
    return new LoggedLines();
  }

  private void open() {
    AgentLog.fine("listening"); // the agent's logger sets itself up first, so the handler stays
    Logger.getLogger(AgentLog.NAME).addHandler(handler);
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    records.clear();
    open();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    close();
  }

  public List<String> messages() {
    return records.stream().map(LogRecord::getMessage).toList();
  }

  /** Each line as its level's name, a space and the message. */
  public List<String> lines() {
    return records.stream().map(record -> record.getLevel().getName() + " " + record.getMessage()).toList();
  }

  public void clear() {
    records.clear();
  }

  @Override
  public void close() {
    Logger.getLogger(AgentLog.NAME).removeHandler(handler);
  }
}
