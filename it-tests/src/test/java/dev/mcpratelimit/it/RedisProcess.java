package dev.mcpratelimit.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A throwaway {@code redis-server} on a free loopback port, without persistence. Fails, never
 * skips, when it is not installed ({@code ./test.sh} installs it). The agent module's tests have
 * their own (with a Jedis client); this module keeps Jedis and the agent's classes off its class
 * path, which the forked servers inherit, so it asks with {@code redis-cli}.
 */
final class RedisProcess implements AutoCloseable {

  private final int port;
  private final Process process;

  RedisProcess() throws IOException, InterruptedException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    Path log = Files.createTempFile("redis-server", ".log");
    try {
      process = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
          "--save", "", "--appendonly", "no").redirectErrorStream(true).redirectOutput(log.toFile()).start();
    } catch (IOException e) {
      throw new AssertionError("redis-server is not installed (./test.sh installs it): " + e.getMessage(), e);
    }
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!cli("PING").equals("PONG")) {
      if (System.nanoTime() > deadline || !process.isAlive()) {
        fail("redis-server did not start on port " + port + ": " + Files.readString(log));
      }
      Thread.sleep(20);
    }
  }

  int port() {
    return port;
  }

  /** One command through {@code redis-cli}; its output, trimmed. */
  String cli(String... command) throws IOException, InterruptedException {
    String[] line = new String[command.length + 4];
    System.arraycopy(new String[] {"redis-cli", "-p", Integer.toString(port), "--no-raw"}, 0, line, 0, 4);
    System.arraycopy(command, 0, line, 4, command.length);
    Process cli = new ProcessBuilder(line).redirectErrorStream(true).start();
    String out = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    cli.waitFor();
    return out.replace("\"", "");
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
