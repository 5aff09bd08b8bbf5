package dev.mcpratelimit.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A throwaway {@code redis-server} on a free loopback port, without persistence. Fails, never
 * skips, when it is not installed ({@code ./test.sh} installs it). The agent module's tests have
 * their own (with a Jedis client); this module keeps Jedis and the agent's classes off its class
 * path, which the forked servers inherit, so it asks with {@code redis-cli}. It can be killed
 * (SIGKILL) and started again on the same port, and can speak TLS only ({@link #tls}).
 */
final class RedisProcess implements AutoCloseable {

  private final int port;
  private final List<String> extra;
  /** With TLS: the CA certificate redis-cli trusts; {@code null} without. */
  private final Path cliCa;
  private final Path log;
  private Process process;

  RedisProcess() throws IOException, InterruptedException {
    this(freePort(), List.of(), null);
  }

  private RedisProcess(int port, List<String> extra, Path cliCa) throws IOException, InterruptedException {
    this.port = port;
    this.extra = List.copyOf(extra);
    this.cliCa = cliCa;
    this.log = Files.createTempFile("redis-server", ".log");
    start();
  }

  /**
   * TLS only ({@code --port 0 --tls-port P}), with the server's certificate and key, clients not
   * asked for certificates; {@code more} are further options (e.g. {@code --requirepass x}).
   */
  static RedisProcess tls(Path cert, Path key, Path ca, String... more) throws IOException, InterruptedException {
    List<String> options = new ArrayList<>(List.of("--tls-cert-file", cert.toString(), "--tls-key-file", key.toString(),
        "--tls-ca-cert-file", ca.toString(), "--tls-auth-clients", "no"));
    options.addAll(List.of(more));
    return new RedisProcess(freePort(), options, ca);
  }

  /**
   * A node of a Redis Cluster not yet joined to any ({@link RedisClusterProcess} joins them), on a
   * free port whose cluster bus port (10000 above it) is free too, its state in {@code dir}.
   */
  static RedisProcess clusterNode(Path dir) throws IOException, InterruptedException {
    int port = freePortWithBus();
    return new RedisProcess(port, List.of("--cluster-enabled", "yes",
        "--cluster-config-file", dir.resolve("nodes-" + port + ".conf").toString(),
        "--cluster-node-timeout", "5000", "--dir", dir.toString()), null);
  }

  private static int freePortWithBus() throws IOException {
    for (int attempt = 0; attempt < 100; attempt++) {
      int port = freePort();
      if (port > 55_000) {
        port = 20_000 + port % 30_000;
      }
      try (ServerSocket node = new ServerSocket(port, 1, InetAddress.getLoopbackAddress());
          ServerSocket bus = new ServerSocket(port + 10_000, 1, InetAddress.getLoopbackAddress())) {
        return port;
      } catch (IOException taken) {
        // another try
      }
    }
    throw new IOException("no free pair of ports for a cluster node");
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** Starts it (again, after {@link #kill}) on its port, and waits until it answers PING. */
  void start() throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("redis-server"));
    if (cliCa == null) {
      command.addAll(List.of("--port", Integer.toString(port)));
    } else {
      command.addAll(List.of("--port", "0", "--tls-port", Integer.toString(port)));
    }
    command.addAll(List.of("--bind", "127.0.0.1", "--save", "", "--appendonly", "no"));
    command.addAll(extra);
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    } catch (IOException e) {
      throw new AssertionError("redis-server is not installed (./test.sh installs it): " + e.getMessage(), e);
    }
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!answers(cli("PING"))) {
      if (System.nanoTime() > deadline || !process.isAlive()) {
        fail("redis-server did not start on port " + port + ": " + Files.readString(log));
      }
      Thread.sleep(20);
    }
  }

  /** PONG, or NOAUTH from a server that wants a password: either way it is up. */
  private static boolean answers(String reply) {
    return reply.equals("PONG") || reply.contains("NOAUTH");
  }

  /** SIGKILL (what {@link Process#destroyForcibly} sends on Linux), and waits until it is gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  int port() {
    return port;
  }

  /** The lines of an agent's file that make this Redis its store. */
  List<String> storeLines() {
    return List.of("store=redis", "store.redis.url=redis://127.0.0.1:" + port + "/0");
  }

  /** One command through {@code redis-cli}; its output, trimmed. */
  String cli(String... command) throws IOException, InterruptedException {
    List<String> line = new ArrayList<>(List.of("redis-cli", "-p", Integer.toString(port), "--no-raw"));
    if (cliCa != null) {
      line.addAll(List.of("--tls", "--cacert", cliCa.toString()));
    }
    line.addAll(List.of(command));
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
