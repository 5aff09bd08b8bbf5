package dev.mcpratelimit.it;

import static dev.mcpratelimit.it.Calls.TRACK;
import static dev.mcpratelimit.it.Calls.assertAllowedTimes;
import static dev.mcpratelimit.it.Calls.assertRateLimited;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelcontextprotocol.client.McpSyncClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sample server over stdio, started by the SDK's {@code StdioClientTransport} with the agent:
 * the call is charged to {@code stdio.caller}. That the client works at all shows the agent writes
 * nothing to stdout, which carries the protocol.
 */
class StdioIT {

  @AfterEach
  void noServerLeft() throws InterruptedException {
    ForkedServer.assertNoStdioServerLeft();
  }

  @Test
  void theStdioCallerIsLimitedByItsTier(@TempDir Path dir) throws Exception {
    Path config = ConfigFile.write(dir, "ratelimit.properties",
        "tier.basic.rate=3/h",
        "tier.basic.burst=3",
        "caller.local.tier=basic",
        "stdio.caller=local");
    List<String> stderr = new CopyOnWriteArrayList<>();

    try (McpSyncClient client = McpClients.stdio(ForkedServer.stdioServerArgs(config), stderr::add)) {
      long start = System.nanoTime();
      assertAllowedTimes(3, client, "get_track", TRACK);
      RateLimited rejected = assertRateLimited(client, "get_track", TRACK, "call 4");
      Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

      // 3/h: 1200 s to the next token.
      rejected.assertMatches(new RateLimited(1200, 3, 0, "basic", "get_track", "caller"), elapsed);
    }
    assertTrue(stderr.stream().anyMatch(line -> line.startsWith("[mcp-ratelimit] INFO mcp-ratelimit-agent ")
            && line.contains(" started: config " + config + ", mode enforce, ")),
        () -> "the agent's start line belongs on stderr; stderr:\n" + String.join("\n", stderr));
  }
}
