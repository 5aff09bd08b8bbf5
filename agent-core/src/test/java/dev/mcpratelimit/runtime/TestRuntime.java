package dev.mcpratelimit.runtime;

import dev.mcpratelimit.core.FakeClock;
import dev.mcpratelimit.metrics.AgentMBeans;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;

/**
 * A real runtime for unit tests: its configuration from a properties string (written to a file
 * and read by the real watcher), a fake clock for both monotonic and wall time, and its JMX beans
 * in an MBean server of its own.
 */
final class TestRuntime {

  /** The fake wall clock starts here: 2026-12-01T00:00:00Z. */
  static final long EPOCH_MILLIS = 1_796_083_200_000L;

  final FakeClock clock = new FakeClock();
  final AtomicLong epochMillis = new AtomicLong(EPOCH_MILLIS);
  final Path file;
  final MBeanServer server = MBeanServerFactory.newMBeanServer();
  final AgentRuntime runtime;

  /** @param properties the file's text, {@code null} for no file at start */
  TestRuntime(Path dir, String properties) {
    file = dir.resolve("ratelimit.properties");
    if (properties != null) {
      write(properties);
    }
    runtime = new AgentRuntime(file, clock, epochMillis::get, new AgentMBeans(() -> server), config -> {});
    runtime.loadConfiguration();
  }

  /** Writes the file and polls it twice, as the watcher acts on a file once it has read the same twice. */
  void rewrite(String properties) {
    write(properties);
    runtime.loadConfiguration();
    runtime.loadConfiguration();
  }

  void write(String properties) {
    try {
      Files.writeString(file, properties);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void advance(Duration duration) {
    clock.advance(duration);
    epochMillis.addAndGet(duration.toMillis());
  }

  ToolCallGuard guard() {
    return runtime.toolCalls();
  }

  OperatorControls operator() {
    return runtime.operator();
  }
}
