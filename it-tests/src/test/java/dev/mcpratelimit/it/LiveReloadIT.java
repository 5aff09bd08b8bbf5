package dev.mcpratelimit.it;

import static dev.mcpratelimit.it.Calls.TRACK;
import static dev.mcpratelimit.it.Calls.assertAllowed;
import static dev.mcpratelimit.it.Calls.assertAllowedTimes;
import static dev.mcpratelimit.it.Calls.assertRateLimited;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.modelcontextprotocol.client.McpSyncClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Editing the properties file under a running server: the agent polls it every 500 ms and must
 * put a change in force within 2 s; buckets keep their tokens, capped at the new burst; a broken
 * file is reported and changes nothing.
 */
class LiveReloadIT {

  /** The README's promise is 2 s; allow some slack for a loaded machine. */
  private static final Duration RELOAD_TIMEOUT = Duration.ofSeconds(3);

  @Test
  void loweringTheBurstCapsTheTokensAndRaisingItGivesNoneAway(@TempDir Path dir) throws Exception {
    Path config = ConfigFile.write(dir, "ratelimit.properties", config("5"));

    try (ForkedServer server = ForkedServer.sampleServer().agent(config).start();
         McpSyncClient client = McpClients.http(server, "key-rita")) {
      server.assertAgentStarted("enforce");
      assertAllowed(client, "get_track", TRACK, "before the reload"); // 4 of 5 left

      reload(server, config, config("2"));

      long start = System.nanoTime();
      assertAllowedTimes(2, client, "get_track", TRACK); // 4 capped at 2
      RateLimited rejected = assertRateLimited(client, "get_track", TRACK, "third after lowering");
      // 5/h: 720 s to the next token.
      rejected.assertMatches(new RateLimited(720, 2, 0, "free", "get_track", "caller"),
          Duration.ofNanos(System.nanoTime() - start));

      reload(server, config, config("5"));

      // The bucket is empty; a bigger burst adds room, not tokens.
      RateLimited afterRaise = assertRateLimited(client, "get_track", TRACK, "after raising");
      assertEquals(new RateLimited(0, 5, 0, "free", "get_track", "caller"), afterRaise.withRetryAfter(0));
    }
  }

  @Test
  void aBrokenFileIsReportedAndTheLastGoodLimitsStay(@TempDir Path dir) throws Exception {
    Path config = ConfigFile.write(dir, "ratelimit.properties", config("3"));

    try (ForkedServer server = ForkedServer.sampleServer().agent(config).start();
         McpSyncClient client = McpClients.http(server, "key-rita")) {
      server.assertAgentStarted("enforce");
      // The bucket refills from the first call on: the wait for the reload counts towards Retry-After.
      long start = System.nanoTime();
      assertAllowed(client, "get_track", TRACK, "before the edit"); // 2 of 3 left

      int seen = server.stderr().size();
      List<String> broken = new ArrayList<>(List.of(
          "# edited by hand",
          "tier.free.burst=50",
          "tier.free.rate=50/minute"));
      broken.addAll(List.of(ConfigFile.caller("rita", "key-rita", "free")));
      ConfigFile.replace(config, broken.toArray(String[]::new));

      server.awaitStderr(seen, line -> line.equals("[mcp-ratelimit] WARNING " + config
          + ":3: tier.free.rate: bad unit \"minute\" in \"50/minute\"; use /s, /min, /h or /day"), RELOAD_TIMEOUT);
      server.awaitStderr(seen, line -> line.equals("[mcp-ratelimit] WARNING " + config
          + ": invalid; the last good configuration stays in force"), RELOAD_TIMEOUT);

      assertAllowedTimes(2, client, "get_track", TRACK);
      RateLimited rejected = assertRateLimited(client, "get_track", TRACK, "third after the broken edit");
      // Still 3/h with burst 3: 1200 s to the next token.
      rejected.assertMatches(new RateLimited(1200, 3, 0, "free", "get_track", "caller"),
          Duration.ofNanos(System.nanoTime() - start));
    }
  }

  /** The file with {@code tier.free.burst=<burst>} and a rate of 5/h (3/h for burst 3). */
  private static String[] config(String burst) {
    List<String> lines = new ArrayList<>(List.of(
        "tier.free.rate=" + (burst.equals("3") ? "3/h" : "5/h"),
        "tier.free.burst=" + burst));
    lines.addAll(List.of(ConfigFile.caller("rita", "key-rita", "free")));
    return lines.toArray(String[]::new);
  }

  /** Replaces the file and waits for the agent to report the new limits in force. */
  private static void reload(ForkedServer server, Path config, String[] lines) throws Exception {
    int seen = server.stderr().size();
    ConfigFile.replace(config, lines);
    server.awaitStderr(seen, line -> line.equals("[mcp-ratelimit] INFO " + config
        + ": reloaded; mode enforce, the new limits are in force"), RELOAD_TIMEOUT);
  }
}
