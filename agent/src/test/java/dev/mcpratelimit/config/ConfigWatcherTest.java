package dev.mcpratelimit.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcpratelimit.core.FakeClock;
import dev.mcpratelimit.core.RateLimiter;
import dev.mcpratelimit.store.InMemoryBucketStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigWatcherTest {

  @TempDir
  Path dir;

  private final FakeClock clock = new FakeClock();
  private final List<String> reports = new ArrayList<>();
  private final InMemoryBucketStore store = new InMemoryBucketStore(clock, 1000);
  /** The configuration the watcher last put in force, {@code null} before any. */
  private AgentConfig current;

  private ConfigWatcher watcher(Path file) {
    return new ConfigWatcher(file, clock, config -> current = config, reports::add);
  }

  private int admitted(String caller, int attempts) {
    int admitted = 0;
    for (int i = 0; i < attempts; i++) {
      if (current == null || new RateLimiter(store, current.policy()).decide(caller, "free", "get_track").admitted()) {
        admitted++;
      }
    }
    return admitted;
  }

  @Test
  void aChangedFileIsInForceAfterThePollAndBucketsKeepTheirTokens() throws IOException {
    Path file = dir.resolve("ratelimit.properties");
    Files.writeString(file, "tier.free.rate=10/min\n");
    ConfigWatcher watcher = watcher(file);
    watcher.poll();
    assertEquals(4, admitted("alice", 4));

    Files.writeString(file, "tier.free.rate=3/min\n");
    watcher.poll();
    assertEquals(3, admitted("alice", 10), "6 tokens left, capped at the new burst of 3");
    assertEquals(3, admitted("bob", 10), "a new caller gets the new burst");
    assertTrue(reports.isEmpty());
  }

  @Test
  void aBrokenFileIsReportedAndTheLastGoodOneStays() throws IOException {
    Path file = dir.resolve("ratelimit.properties");
    Files.writeString(file, "tier.free.rate=2/min\n");
    ConfigWatcher watcher = watcher(file);
    watcher.poll();
    AgentConfig good = current;

    Files.writeString(file, "tier.free.rate=2/fortnight\n");
    watcher.poll();
    assertEquals(good, current);
    assertEquals(2, admitted("alice", 5));
    assertEquals(List.of(
        file + ":1: tier.free.rate: bad unit \"fortnight\" in \"2/fortnight\"; use /s, /min, /h or /day",
        file + ": invalid; the last good configuration stays in force"), reports);

    Files.delete(file);
    watcher.poll();
    assertEquals(good, current, "a deleted file keeps the limits too");
  }

  @Test
  void withoutAValidFileNothingIsLimitedAndTheErrorRepeatsEveryMinute() throws IOException {
    Path file = dir.resolve("ratelimit.properties");
    Files.writeString(file, "mode=loud\n");
    ConfigWatcher watcher = watcher(file);
    watcher.poll();
    assertNull(current);
    assertEquals(50, admitted("alice", 50), "the host runs unlimited rather than not at all");
    assertEquals(2, reports.size());
    assertTrue(reports.get(1).endsWith("no valid configuration; the agent limits nothing until the file is fixed"));

    clock.advance(Duration.ofSeconds(59));
    watcher.poll();
    assertEquals(2, reports.size(), "not before a minute has passed");
    clock.advance(Duration.ofSeconds(1));
    watcher.poll();
    assertEquals(4, reports.size(), "repeated once a minute");

    Files.writeString(file, "mode=enforce\n");
    watcher.poll();
    assertNotNull(current);
    assertEquals(10, admitted("alice", 50));
    clock.advance(Duration.ofMinutes(5));
    watcher.poll();
    assertEquals(4, reports.size(), "a valid file stops the repeats");
  }

  @Test
  void aMissingFileAtStartIsReportedOnceAMinute() {
    ConfigWatcher watcher = watcher(dir.resolve("absent.properties"));
    watcher.poll();
    watcher.poll();
    assertEquals(List.of(dir.resolve("absent.properties") + ": cannot read: no such file",
        dir.resolve("absent.properties") + ": no valid configuration; the agent limits nothing until the file is fixed"),
        reports);
  }
}
