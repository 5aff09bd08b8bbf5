package dev.mcpratelimit.it;

import static dev.mcpratelimit.it.Calls.TRACK;
import static dev.mcpratelimit.it.Calls.assertAllowed;
import static dev.mcpratelimit.it.Calls.assertAllowedTimes;
import static dev.mcpratelimit.it.Calls.assertRateLimited;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelcontextprotocol.client.McpSyncClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A FIFO as the configuration file, which blocks whoever opens it until a writer comes: the host
 * must start and serve all the same, and a FIFO swapped in while running must not stop a valid
 * file put back later from being loaded.
 */
class ConfigFifoIT {

  /** The sample server starts in one or two seconds; a hang would take the whole start timeout. */
  private static final Duration STARTS_WITHIN = Duration.ofSeconds(15);
  private static final Duration RELOAD_TIMEOUT = Duration.ofSeconds(3);

  @Test
  void theHostStartsAndAnswersWithAFifoAsItsConfigFile(@TempDir Path dir) throws Exception {
    Path fifo = mkfifo(dir.resolve("ratelimit.properties"));
    long start = System.nanoTime();
    try (ForkedServer server = ForkedServer.sampleServer().agent(fifo).start();
         McpSyncClient client = McpClients.http(server, null)) {
      assertAllowed(client, "get_track", TRACK, "the host answers");
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertTrue(took.compareTo(STARTS_WITHIN) < 0, "started and answered in " + took.toMillis() + " ms");
      assertTrue(server.stderr().contains("[mcp-ratelimit] WARNING " + fifo + ": cannot read: not a regular file"
          + " but a FIFO (named pipe); the agent reads only regular files"), () -> String.join("\n", server.stderr()));
    }
  }

  @Test
  void aValidFilePutBackAfterAFifoIsLoaded(@TempDir Path dir) throws Exception {
    Path config = ConfigFile.write(dir, "ratelimit.properties", config(5));
    try (ForkedServer server = ForkedServer.sampleServer().agent(config).start();
         McpSyncClient client = McpClients.http(server, "key-rita")) {
      server.assertAgentStarted("enforce");

      int seen = server.stderr().size();
      Files.delete(config);
      mkfifo(config);
      server.awaitStderr(seen, line -> line.equals("[mcp-ratelimit] WARNING " + config + ": cannot read: not a regular"
          + " file but a FIFO (named pipe); the agent reads only regular files"), RELOAD_TIMEOUT);
      assertAllowed(client, "get_track", TRACK, "the last good limits stay in force"); // 4 of 5 left

      seen = server.stderr().size();
      ConfigFile.replace(config, config(2));
      server.awaitStderr(seen, line -> line.equals("[mcp-ratelimit] INFO " + config
          + ": valid again, reloaded; mode enforce, the new limits are in force"), RELOAD_TIMEOUT);

      assertAllowedTimes(2, client, "get_track", TRACK); // 4 capped at the new burst of 2
      RateLimited rejected = assertRateLimited(client, "get_track", TRACK, "third after the file came back");
      assertEquals(2, rejected.limit(), "the file put back is in force");
    }
  }

  private static String[] config(int burst) {
    String[] caller = ConfigFile.caller("rita", "key-rita", "free");
    return new String[] {"tier.free.rate=5/h", "tier.free.burst=" + burst, caller[0], caller[1]};
  }

  private static Path mkfifo(Path path) throws IOException, InterruptedException {
    Process mkfifo = new ProcessBuilder("mkfifo", path.toString()).inheritIO().start();
    assertEquals(0, mkfifo.waitFor(), "mkfifo " + path);
    return path;
  }
}
