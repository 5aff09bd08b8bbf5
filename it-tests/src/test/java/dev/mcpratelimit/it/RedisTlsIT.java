package dev.mcpratelimit.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelcontextprotocol.client.McpSyncClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * rediss:// against a TLS-only redis-server with a certificate the test makes (openssl: a CA and a
 * server certificate for 127.0.0.1), AUTH over TLS both ways (an ACL user and password in the URL,
 * the default user's password from store.redis.password-file), and the two ways to not reach
 * Redis at all: nothing listening, and a certificate the JVM does not trust.
 */
class RedisTlsIT {

  private static final String ACL_PASSWORD = "acl-pw-4711-tls";
  private static final String DEFAULT_PASSWORD = "default-pw-0815-tls";

  @TempDir
  static Path dir;

  private static RedisProcess redis;
  private static Path ca;

  @BeforeAll
  static void start() throws Exception {
    ca = dir.resolve("ca.pem");
    Path caKey = dir.resolve("ca.key");
    Path cert = dir.resolve("server.pem");
    Path key = dir.resolve("server.key");
    Path csr = dir.resolve("server.csr");
    Path ext = Files.writeString(dir.resolve("san.ext"), "subjectAltName=IP:127.0.0.1\n");
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", caKey.toString(), "-out", ca.toString(),
        "-days", "2", "-subj", "/CN=mcp-ratelimit test CA");
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(), "-out", csr.toString(),
        "-subj", "/CN=127.0.0.1");
    openssl("x509", "-req", "-in", csr.toString(), "-CA", ca.toString(), "-CAkey", caKey.toString(),
        "-CAcreateserial", "-out", cert.toString(), "-days", "2", "-extfile", ext.toString());
    redis = RedisProcess.tls(cert, key, ca, "--requirepass", DEFAULT_PASSWORD,
        "--user", "limiter", "on", ">" + ACL_PASSWORD, "~*", "&*", "+@all");
  }

  private static void openssl(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes());
    assertEquals(0, process.waitFor(), () -> String.join(" ", command) + ":\n" + out);
  }

  @AfterAll
  static void stop() {
    if (redis != null) {
      redis.close();
    }
  }

  private static boolean admitted(McpSyncClient client) {
    try {
      Calls.call(client, "get_track", Calls.TRACK);
      return true;
    } catch (RuntimeException e) {
      assertTrue(String.valueOf(e.getMessage()).contains("Rate limit exceeded"), String.valueOf(e.getMessage()));
      return false;
    }
  }

  private static Path config(String name, String... redisLines) throws Exception {
    List<String> lines = new ArrayList<>(List.of("store=redis", "store.redis.timeout=2s",
        "tier.free.rate=10/min", "tier.free.burst=10"));
    lines.addAll(List.of(redisLines));
    return ConfigFile.write(dir, name, lines.toArray(String[]::new));
  }

  /** The host starts and serves on local buckets; exactly one outage line, which {@code says} names the cause. */
  private static void assertOneLineAndServes(Path config, String says) throws Exception {
    try (ForkedServer server = ForkedServer.sampleServer().agent(config).start()) {
      int admitted = 0;
      try (McpSyncClient client = McpClients.http(server, null)) {
        for (int i = 0; i < 12; i++) {
          admitted += admitted(client) ? 1 : 0;
        }
      }
      assertEquals(10, admitted, "on-outage=local with share 1.0: the whole burst, in this instance");
      List<String> lines = server.stderr();
      List<String> outage = lines.stream().filter(line -> line.contains("does not answer")).toList();
      assertEquals(1, outage.size(), () -> String.join("\n", lines));
      assertTrue(outage.get(0).contains(says), outage.get(0));
      System.out.println("[RedisTlsIT] " + outage.get(0));
      for (String secret : List.of(ACL_PASSWORD, DEFAULT_PASSWORD)) {
        assertTrue(lines.stream().noneMatch(line -> line.contains(secret)), () -> String.join("\n", lines));
      }
    }
  }

  @Test
  void nothingListeningIsOneClearLineAndTheHostServes() throws Exception {
    int port = RedisProcess.freePort();
    assertOneLineAndServes(config("nothing.properties", "store.redis.url=redis://127.0.0.1:" + port + "/0"),
        "Redis at 127.0.0.1:" + port + "/0 does not answer (JedisConnectionException: Failed to connect");
  }

  @Test
  void aSelfSignedCertificateTheJvmDoesNotTrustIsOneClearLineAndTheHostServes() throws Exception {
    assertOneLineAndServes(config("untrusted.properties",
        "store.redis.url=rediss://limiter:" + ACL_PASSWORD + "@127.0.0.1:" + redis.port() + "/0"),
        "SSLHandshakeException");
  }

  @Test
  void withTheTrustStoreTwoServersShareOneExactBurstOverTlsWithAuthFromTheUrlAndFromAFile() throws Exception {
    Path password = Files.writeString(dir.resolve("redis.password"), DEFAULT_PASSWORD + "\n");
    Path viaUrl = config("tls-url.properties",
        "store.redis.url=rediss://limiter:" + ACL_PASSWORD + "@127.0.0.1:" + redis.port() + "/0",
        "store.redis.trust-store=" + ca);
    Path viaFile = config("tls-file.properties",
        "store.redis.url=rediss://127.0.0.1:" + redis.port() + "/0",
        "store.redis.password-file=" + password,
        "store.redis.trust-store=" + ca);
    try (ForkedServer a = ForkedServer.sampleServer().agent(viaUrl).start();
        ForkedServer b = ForkedServer.sampleServer().agent(viaFile).start();
        McpSyncClient onA = McpClients.http(a, null);
        McpSyncClient onB = McpClients.http(b, null)) {
      int admitted = 0;
      for (int i = 0; i < 16; i++) {
        admitted += admitted(i % 2 == 0 ? onA : onB) ? 1 : 0;
      }
      assertEquals(10, admitted, "one burst of 10 for both servers, not 10 each");
      for (ForkedServer server : List.of(a, b)) {
        server.assertAgentStarted("enforce");
        List<String> lines = server.stderr();
        assertTrue(lines.stream().anyMatch(line -> line.contains("store redis 127.0.0.1:" + redis.port() + "/0 over TLS (trusting "
            + ca + ")")), () -> String.join("\n", lines));
        assertTrue(lines.stream().noneMatch(line -> line.contains("does not answer")), () -> String.join("\n", lines));
        for (String secret : List.of(ACL_PASSWORD, DEFAULT_PASSWORD)) {
          assertTrue(lines.stream().noneMatch(line -> line.contains(secret)), () -> String.join("\n", lines));
        }
      }
      assertTrue(redis.cli("--user", "limiter", "--pass", ACL_PASSWORD, "--no-auth-warning", "KEYS", "mcp-rl:*")
          .contains("mcp-rl:{caller:"), "the buckets are in the TLS Redis");
    }
  }
}
