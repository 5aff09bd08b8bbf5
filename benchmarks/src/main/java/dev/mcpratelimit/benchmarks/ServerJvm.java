package dev.mcpratelimit.benchmarks;

import static dev.mcpratelimit.benchmarks.LoadRuns.destroy;

import com.sun.tools.attach.VirtualMachine;
import java.io.Closeable;
import java.io.IOException;
import java.util.List;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * A forked sample server on Streamable HTTP ({@code --port 0}): its port, its last log lines for
 * error messages, and the heap its threads allocated, read over a local JMX connection opened
 * through the Attach API (the server's code and command line stay as they are). Closing it, or
 * this JVM's exit, destroys the process.
 */
final class ServerJvm implements Closeable {

  private static final long START_TIMEOUT_SECONDS = 60;
  private static final ObjectName THREADING = objectName("java.lang:type=Threading");

  private final Process process;
  private final Thread reaper;
  private final ServerLines lines;
  private JMXConnector jmx;
  private MBeanServerConnection connection;

  /** Starts the process; {@link #awaitReady} waits until it listens. */
  ServerJvm(List<String> command) throws IOException {
    process = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.PIPE).start();
    reaper = new Thread(() -> destroy(process), "overhead-run-reaper");
    Runtime.getRuntime().addShutdownHook(reaper);
    lines = new ServerLines(process, "overhead-run-server", line -> { });
  }

  /** Waits until the server listens and opens the JMX connection; returns its port. */
  int awaitReady() throws Exception {
    int listening = lines.awaitPort(START_TIMEOUT_SECONDS);
    VirtualMachine vm = VirtualMachine.attach(Long.toString(process.pid()));
    String address;
    try {
      address = vm.startLocalManagementAgent();
    } finally {
      vm.detach();
    }
    jmx = JMXConnectorFactory.connect(new JMXServiceURL(address));
    connection = jmx.getMBeanServerConnection();
    return listening;
  }

  long pid() {
    return process.pid();
  }

  /** {@code TotalThreadAllocatedBytes} of the server's {@code java.lang:type=Threading} MXBean. */
  long allocatedBytes() throws Exception {
    return (Long) connection.getAttribute(THREADING, "TotalThreadAllocatedBytes");
  }

  /** The server's last lines of output, for an error message. */
  String lastLines() {
    return lines.lastLines();
  }

  @Override
  public void close() throws IOException {
    try {
      if (jmx != null) {
        jmx.close();
      }
    } catch (IOException ignored) {
      // the server is destroyed next anyway
    } finally {
      destroy(process);
      try {
        Runtime.getRuntime().removeShutdownHook(reaper);
      } catch (IllegalStateException shuttingDown) {
        // the hook runs anyway
      }
    }
  }

  private static ObjectName objectName(String name) {
    try {
      return new ObjectName(name);
    } catch (Exception e) {
      throw new ExceptionInInitializerError(e);
    }
  }
}
