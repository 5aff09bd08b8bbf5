package dev.mcpratelimit.it;

import static dev.mcpratelimit.it.Calls.TRACK;
import static dev.mcpratelimit.it.Calls.assertAllowedTimes;
import static dev.mcpratelimit.it.Calls.assertRateLimited;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcpratelimit.it.servers.LateToolServer;
import io.modelcontextprotocol.client.McpSyncClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent loaded into a server that is already running, and tools a server adds at run time. */
class AttachAndLateToolsIT {

  @Test
  void attachingToARunningServerLimitsItFromThenOn(@TempDir Path dir) throws Exception {
    Path config = ConfigFile.write(dir, "ratelimit.properties", "tier.free.rate=3/h", "tier.free.burst=3");
    try (ForkedServer server = ForkedServer.sampleServer().start();
         McpSyncClient client = McpClients.http(server, null)) {
      assertAllowedTimes(5, client, "get_track", TRACK);

      List<String> command = new ArrayList<>(List.of(ForkedServer.javaBinary(), "-jar",
          ForkedServer.jar("agent.jar").toString(), "attach", String.valueOf(server.pid()), config.toString()));
      Process attach = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(attach.getInputStream().readAllBytes());
      assertTrue(attach.waitFor(60, TimeUnit.SECONDS));
      assertEquals(0, attach.exitValue(), output);
      assertTrue(output.contains("attached to " + server.pid()), output);

      server.awaitStderr(0, line -> line.contains("[mcp-ratelimit] INFO mcp-ratelimit-agent"), Duration.ofSeconds(30));
      server.assertAgentStarted("enforce");
      assertAllowedTimes(3, client, "get_track", TRACK);
      RateLimited rejected = assertRateLimited(client, "get_track", TRACK, "call 4 after attach");
      assertEquals("caller", rejected.scope());
      assertEquals(3, rejected.limit());
    }
  }

  @Test
  void aToolAddedAtRunTimeIsLimited(@TempDir Path dir) throws Exception {
    Path config = ConfigFile.write(dir, "ratelimit.properties", "tier.free.rate=4/h", "tier.free.burst=4");
    try (ForkedServer server = ForkedServer.mainClass(LateToolServer.class).agent(config).start();
         McpSyncClient client = McpClients.http(server, null)) {
      server.assertAgentStarted("enforce");
      assertAllowedTimes(4, client, "get_track", TRACK);
      RateLimited rejected = assertRateLimited(client, "get_track", TRACK, "call 5");
      assertEquals("get_track", rejected.tool());
      assertEquals(0, rejected.remaining());
    }
  }
}
