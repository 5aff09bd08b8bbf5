package dev.mcpratelimit.benchmarks;

import static dev.mcpratelimit.benchmarks.LoadRuns.destroy;

import com.sun.tools.attach.VirtualMachine;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

  private static final Pattern LISTENING = Pattern.compile("\\S+ listening on http://127\\.0\\.0\\.1:(\\d+)/mcp");
  private static final long START_TIMEOUT_SECONDS = 60;
  private static final ObjectName THREADING = objectName("java.lang:type=Threading");

  private final Process process;
  private final Thread reaper;
  private final CompletableFuture<Integer> port = new CompletableFuture<>();
  private final ConcurrentLinkedDeque<String> last = new ConcurrentLinkedDeque<>();
  private JMXConnector jmx;
  private MBeanServerConnection connection;

  /** Starts the process; {@link #awaitReady} waits until it listens. */
  ServerJvm(List<String> command) throws IOException {
    process = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.PIPE).start();
    reaper = new Thread(() -> destroy(process), "overhead-run-reaper");
    Runtime.getRuntime().addShutdownHook(reaper);
    drain(process.getInputStream(), "stdout");
    drain(process.getErrorStream(), "stderr");
  }

  /** Waits until the server listens and opens the JMX connection; returns its port. */
  int awaitReady() throws Exception {
    int listening;
    try {
      listening = port.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("the server did not report listening (" + e + ")", e);
    }
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
    return String.join("\n", last);
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

  private void drain(InputStream stream, String name) {
    Thread thread = new Thread(() -> {
      try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
          last.addLast(line);
          if (last.size() > 50) {
            last.pollFirst();
          }
          Matcher matcher = LISTENING.matcher(line);
          if (matcher.matches()) {
            port.complete(Integer.parseInt(matcher.group(1)));
          }
        }
      } catch (IOException e) {
        // the process is gone
      } finally {
        port.completeExceptionally(new IllegalStateException("the server's " + name + " ended"));
      }
    }, "overhead-run-server-" + name);
    thread.setDaemon(true);
    thread.start();
  }

  private static ObjectName objectName(String name) {
    try {
      return new ObjectName(name);
    } catch (Exception e) {
      throw new ExceptionInInitializerError(e);
    }
  }
}
