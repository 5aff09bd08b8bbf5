package dev.mcpratelimit.store;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.Jedis;

/**
 * A throwaway three-master Redis Cluster on loopback (no replicas, no persistence), for tests:
 * three {@code redis-server --cluster-enabled yes} on free ports, joined by
 * {@code redis-cli --cluster create}, ready once every node reports {@code cluster_state:ok}.
 * Started once per test JVM ({@link #shared}) and stopped when the JVM exits.
 */
public final class RedisCluster implements AutoCloseable {

  private static RedisCluster shared;

  private final Path dir;
  private final List<Integer> ports = new ArrayList<>();
  private final List<Process> processes = new ArrayList<>();

  private RedisCluster() throws IOException {
    dir = Files.createTempDirectory("redis-cluster");
    try {
      start();
    } catch (IOException | RuntimeException | Error e) {
      close();
      throw e;
    }
  }

  /** One cluster for the whole test JVM, started on first use. */
  public static synchronized RedisCluster shared() throws IOException {
    if (shared == null) {
      shared = new RedisCluster();
      RedisCluster cluster = shared;
      Runtime.getRuntime().addShutdownHook(new Thread(cluster::close));
    }
    return shared;
  }

  private void start() throws IOException {
    for (int i = 0; i < 3; i++) {
      int port = freePort();
      ports.add(port);
      Path log = dir.resolve("redis-" + port + ".log");
      List<String> command = List.of("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
          "--cluster-enabled", "yes", "--cluster-config-file", dir.resolve("nodes-" + port + ".conf").toString(),
          "--cluster-node-timeout", "5000", "--save", "", "--appendonly", "no", "--dir", dir.toString());
      try {
        processes.add(new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start());
      } catch (IOException e) {
        fail("redis-server is not installed (./test.sh installs it, or: apt-get install redis-server): " + e.getMessage());
      }
    }
    for (int port : ports) {
      awaitPing(port);
    }
    List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
    ports.forEach(port -> create.add("127.0.0.1:" + port));
    create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
    Path log = dir.resolve("create.log");
    Process cli = new ProcessBuilder(create).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      if (!cli.waitFor(30, TimeUnit.SECONDS) || cli.exitValue() != 0) {
        cli.destroyForcibly();
        fail("redis-cli --cluster create failed: " + Files.readString(log));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      fail("interrupted");
    }
    long deadline = System.nanoTime() + 30_000_000_000L;
    for (int port : ports) {
      while (true) {
        try (Jedis jedis = client(port)) {
          if (jedis.clusterInfo().contains("cluster_state:ok")) {
            break;
          }
        } catch (RuntimeException e) {
          // not yet
        }
        if (System.nanoTime() > deadline) {
          fail("the cluster did not become ok: " + Files.readString(log));
        }
        sleep(50);
      }
    }
  }

  /** The nodes' ports, any of which is a seed. */
  public List<Integer> ports() {
    return List.copyOf(ports);
  }

  /** Settings of a store using the first node as its seed. */
  public RedisSettings settings() {
    return RedisSettings.local(ports.get(0)).withCluster(true);
  }

  /** A plain client to one node, for checks and setup. */
  public Jedis client(int port) {
    return new Jedis("127.0.0.1", port, 2000);
  }

  /** The node that owns {@code key}'s slot. */
  public Jedis clientFor(String key) {
    for (int port : ports) {
      try (Jedis jedis = client(port)) {
        long slot = jedis.clusterKeySlot(key);
        for (Object range : jedis.clusterSlots()) {
          List<?> fields = (List<?>) range;
          long from = (Long) fields.get(0);
          long to = (Long) fields.get(1);
          if (slot >= from && slot <= to) {
            long owner = (Long) ((List<?>) fields.get(2)).get(1);
            return client((int) owner);
          }
        }
      }
    }
    throw new IllegalStateException("no node owns " + key);
  }

  /** Empties every master. */
  public void flushAll() {
    for (int port : ports) {
      try (Jedis jedis = client(port)) {
        jedis.flushAll();
      }
    }
  }

  @Override
  public void close() {
    processes.forEach(Process::destroyForcibly);
    for (Process process : processes) {
      try {
        process.waitFor(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      // a temporary directory: left for the system to clean
    }
  }

  private void awaitPing(int port) {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (true) {
      try (Jedis jedis = client(port)) {
        jedis.ping();
        return;
      } catch (RuntimeException e) {
        if (System.nanoTime() > deadline) {
          fail("redis-server --cluster-enabled did not start on port " + port);
        }
        sleep(20);
      }
    }
  }

  /** A free port whose cluster bus port (10000 above it) is free too. */
  private static int freePort() throws IOException {
    for (int attempt = 0; attempt < 100; attempt++) {
      int port;
      try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        port = socket.getLocalPort();
      }
      if (port > 55_000) {
        port = 20_000 + port % 30_000;
      }
      try (ServerSocket a = new ServerSocket(port, 1, InetAddress.getLoopbackAddress());
          ServerSocket b = new ServerSocket(port + 10_000, 1, InetAddress.getLoopbackAddress())) {
        return port;
      } catch (IOException taken) {
        // try another
      }
    }
    throw new IOException("no free pair of ports for a cluster node");
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
