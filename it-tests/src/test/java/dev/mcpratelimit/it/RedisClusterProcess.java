package dev.mcpratelimit.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway three-master Redis Cluster on loopback (no replicas, no persistence): three
 * {@link RedisProcess#clusterNode cluster nodes} joined by {@code redis-cli --cluster create},
 * ready once every node reports {@code cluster_state:ok}.
 */
final class RedisClusterProcess implements AutoCloseable {

  private final Path dir;
  private final List<RedisProcess> nodes = new ArrayList<>();

  RedisClusterProcess() throws IOException, InterruptedException {
    dir = Files.createTempDirectory("redis-cluster");
    try {
      for (int i = 0; i < 3; i++) {
        nodes.add(RedisProcess.clusterNode(dir));
      }
      join();
    } catch (IOException | InterruptedException | RuntimeException | Error e) {
      close();
      throw e;
    }
  }

  private void join() throws IOException, InterruptedException {
    List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
    nodes.forEach(node -> create.add("127.0.0.1:" + node.port()));
    create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
    Process cli = new ProcessBuilder(create).redirectErrorStream(true).start();
    String out = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!cli.waitFor(30, TimeUnit.SECONDS) || cli.exitValue() != 0) {
      cli.destroyForcibly();
      fail("redis-cli --cluster create failed: " + out);
    }
    long deadline = System.nanoTime() + 30_000_000_000L;
    for (RedisProcess node : nodes) {
      while (!node.cli("CLUSTER", "INFO").contains("cluster_state:ok")) {
        if (System.nanoTime() > deadline) {
          fail("the cluster did not become ok: " + node.cli("CLUSTER", "INFO"));
        }
        Thread.sleep(50);
      }
    }
  }

  /** A seed node's port (any master is one). */
  int seedPort() {
    return nodes.get(0).port();
  }

  @Override
  public void close() {
    nodes.forEach(RedisProcess::close);
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      // a temporary directory: left for the system to clean
    }
  }
}
