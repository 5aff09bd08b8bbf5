package dev.mcpratelimit.it;

import static dev.mcpratelimit.it.Calls.TRACK;
import static dev.mcpratelimit.it.Calls.assertAllowedTimes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelcontextprotocol.client.McpSyncClient;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The baselines: the same server without the agent, and with the agent in {@code mode=off}. */
class WithoutLimitsIT {

  @Test
  void withoutTheAgentEveryCallIsAdmitted() throws Exception {
    try (ForkedServer server = ForkedServer.sampleServer().start();
         McpSyncClient client = McpClients.http(server, "any-key")) {
      assertAllowedTimes(30, client, "get_track", TRACK);

      assertEquals(List.of(), server.stderr().stream().filter(line -> line.contains("[mcp-ratelimit]")).toList(),
          "agent lines without the agent");
    }
  }

  @Test
  void inModeOffTheAgentLimitsNothing(@TempDir Path dir) throws Exception {
    Path config = ConfigFile.write(dir, "ratelimit.properties",
        "mode=off",
        "tier.free.rate=10/min",
        "tier.free.burst=2");
    try (ForkedServer server = ForkedServer.sampleServer().agent(config).start();
         McpSyncClient client = McpClients.http(server, null)) {
      server.assertAgentStarted("off");

      assertAllowedTimes(30, client, "get_track", TRACK);

      assertTrue(server.stderr().stream().noneMatch(line -> line.contains("WARNING")), () -> String.join("\n", server.stderr()));
    }
  }

  @Test
  void withAnInvalidFileNothingIsLimitedAndTheStatusToolStillAnswers(@TempDir Path dir) throws Exception {
    Path config = ConfigFile.write(dir, "ratelimit.properties", "mode=loud");
    try (ForkedServer server = ForkedServer.sampleServer().agent(config).start()) {
      server.assertStartLine("none");
      assertTrue(server.stderr().stream().anyMatch(line -> line.contains(
          "; NOTHING is limited until the configuration file is valid")), () -> String.join("\n", server.stderr()));
      RawMcpClient client = RawMcpClient.connect(server);
      for (int i = 0; i < 30; i++) {
        client.callTool("get_track", TRACK).assertToolResult("call " + i);
      }
      RawMcpClient.Response status = client.callTool("rate_limit_status", java.util.Map.of());
      assertEquals(200, status.status(), status::toString);
      assertEquals(false, status.structuredContent().get("limitsInForce"), status::toString);
      assertTrue(server.stderr().stream().noneMatch(line -> line.contains("ERROR")), () -> String.join("\n", server.stderr()));
    }
  }

  @Test
  void theHostsShutdownHooksCanStillWriteToStderr(@TempDir Path dir) throws Exception {
    Path config = ConfigFile.write(dir, "ratelimit.properties", "tier.free.rate=10/min");
    Process process = new ProcessBuilder(ForkedServer.javaBinary(), ForkedServer.javaAgentOption(config),
        "-cp", System.getProperty("java.class.path"), dev.mcpratelimit.it.servers.ShutdownHookPrinter.class.getName())
        .redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
    assertTrue(output.contains("host ran") && output.contains("host shutdown hook ran"), output);
  }
}
