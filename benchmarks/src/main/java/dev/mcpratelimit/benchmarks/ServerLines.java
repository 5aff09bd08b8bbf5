package dev.mcpratelimit.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A forked sample server's stdout and stderr, drained line by line on daemon threads: the port it
 * reports listening on, its last lines (for error messages), and each line to {@code onLine}.
 */
final class ServerLines {

  private static final Pattern LISTENING = Pattern.compile("\\S+ listening on http://127\\.0\\.0\\.1:(\\d+)/mcp");
  private static final int KEPT = 50;

  private final CompletableFuture<Integer> port = new CompletableFuture<>();
  private final ConcurrentLinkedDeque<String> last = new ConcurrentLinkedDeque<>();
  private final Consumer<String> onLine;

  /** @param threads the name the draining threads' names start with */
  ServerLines(Process process, String threads, Consumer<String> onLine) {
    this.onLine = onLine;
    drain(process.getInputStream(), threads + "-stdout");
    drain(process.getErrorStream(), threads + "-stderr");
  }

  /** The port the server listens on, once it said so within {@code seconds}. */
  int awaitPort(long seconds) {
    try {
      return port.get(seconds, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("the server did not report listening (" + e + "); its last lines:\n" + lastLines(), e);
    }
  }

  /** The server's last lines of output, for an error message. */
  String lastLines() {
    return String.join("\n", last);
  }

  private void drain(InputStream stream, String name) {
    Thread thread = new Thread(() -> {
      try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
          onLine.accept(line);
          last.addLast(line);
          if (last.size() > KEPT) {
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
    }, name);
    thread.setDaemon(true);
    thread.start();
  }
}
