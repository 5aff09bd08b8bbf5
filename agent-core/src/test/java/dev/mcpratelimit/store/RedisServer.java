package dev.mcpratelimit.store;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.Jedis;

/**
 * A throwaway {@code redis-server} on a free loopback port, without persistence, for tests. Fails
 * (never skips) when redis-server is not installed: {@code ./test.sh} installs it.
 */
public final class RedisServer implements AutoCloseable {

  private static RedisServer shared;

  private final int port;
  private final List<String> extra;
  private final Path log;
  private Process process;

  private RedisServer(int port, List<String> extra) throws IOException {
    this.port = port;
    this.extra = List.copyOf(extra);
    this.log = Files.createTempFile("redis-server", ".log");
    start();
  }

  /** A server on a free port; {@code extra} are more {@code redis-server} options (e.g. --requirepass x). */
  public static RedisServer launch(String... extra) throws IOException {
    return new RedisServer(freePort(), List.of(extra));
  }

  /** One server for the whole test JVM, started on first use and stopped when the JVM exits. */
  public static synchronized RedisServer shared() throws IOException {
    if (shared == null) {
      shared = launch();
      RedisServer server = shared;
      Runtime.getRuntime().addShutdownHook(new Thread(server::close));
    }
    return shared;
  }

  public int port() {
    return port;
  }

  /** Starts it (again, after {@link #kill}) on its port. */
  public void start() throws IOException {
    List<String> command = new ArrayList<>(List.of("redis-server", "--port", Integer.toString(port),
        "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"));
    command.addAll(extra);
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    } catch (IOException e) {
      fail("redis-server is not installed (./test.sh installs it, or: apt-get install redis-server): " + e.getMessage());
    }
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (true) {
      try (Jedis jedis = new Jedis("127.0.0.1", port, 200)) {
        jedis.ping();
        return;
      } catch (RuntimeException e) {
        // a server with --requirepass answers NOAUTH, which still means it is up
        if (e.getMessage() != null && e.getMessage().contains("NOAUTH")) {
          return;
        }
        if (System.nanoTime() > deadline || !process.isAlive()) {
          fail("redis-server did not start on port " + port + ": " + Files.readString(log));
        }
        sleep(20);
      }
    }
  }

  /** SIGKILL: gone at once, as a crashed Redis is. */
  public void kill() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }

  /** A client for checks and setup (no password). */
  public Jedis client() {
    return new Jedis("127.0.0.1", port, 2000);
  }

  @Override
  public void close() {
    if (process != null) {
      process.destroyForcibly();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
