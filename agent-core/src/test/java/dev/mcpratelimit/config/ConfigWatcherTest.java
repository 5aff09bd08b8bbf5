package dev.mcpratelimit.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcpratelimit.config.ConfigWatcher.Change;
import dev.mcpratelimit.core.FakeClock;
import dev.mcpratelimit.core.RateLimiter;
import dev.mcpratelimit.store.InMemoryBucketStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigWatcherTest {

  @TempDir
  Path dir;

  private final FakeClock clock = new FakeClock();
  private final RecordingListener events = new RecordingListener();
  private final List<String> reports = events.reports;
  private final InMemoryBucketStore store = new InMemoryBucketStore(clock, 1000);

  private int admitted(String caller, int attempts) {
    int admitted = 0;
    for (int i = 0; i < attempts; i++) {
      AgentConfig current = events.current();
      if (current == null || new RateLimiter(store, current.policy()).decide(caller, "free", "get_track").admitted()) {
        admitted++;
      }
    }
    return admitted;
  }

  @Test
  void aChangedFileIsInForceOnceTwoPollsReadItAndBucketsKeepTheirTokens() throws IOException {
    Path file = dir.resolve("ratelimit.properties");
    Files.writeString(file, "tier.free.rate=10/min\n");
    ConfigWatcher watcher = events.watcher(file, clock);
    watcher.poll();
    assertEquals(List.of(Change.START), events.changes, "the first read is acted on at once");
    assertEquals(4, admitted("alice", 4));

    Files.writeString(file, "tier.free.rate=3/min\n");
    watcher.poll();
    assertEquals(1, events.applied.size(), "read once: perhaps still being written");
    watcher.poll();
    assertEquals(List.of(Change.START, Change.CHANGED), events.changes);
    assertEquals(3, admitted("alice", 10), "6 tokens left, capped at the new burst of 3");
    assertEquals(3, admitted("bob", 10), "a new caller gets the new burst");
    assertTrue(reports.isEmpty());
    assertEquals(1, watcher.reloads());
  }

  @Test
  void aFileStillBeingWrittenIsNeverApplied() throws IOException {
    Path file = dir.resolve("ratelimit.properties");
    Files.writeString(file, "tier.free.rate=2/min\n");
    ConfigWatcher watcher = events.watcher(file, clock);
    watcher.poll();

    // A valid prefix (which would drop alice to the default tier), the rest written a poll later.
    Files.writeString(file, "tier.free.rate=50/min\n");
    watcher.poll();
    Files.writeString(file, "caller.alice.tier=premium\n", StandardOpenOption.APPEND);
    watcher.poll();
    assertEquals(1, events.applied.size(), "neither the prefix nor the file it grew into yet");
    watcher.poll();
    assertEquals(2, events.applied.size());
    assertEquals("premium", events.current().identity().callers().get(0).tier(), "the whole file, never the prefix");
  }

  @Test
  void aBrokenFileIsReportedAndTheLastGoodOneStays() throws IOException {
    Path file = dir.resolve("ratelimit.properties");
    Files.writeString(file, "tier.free.rate=2/min\n");
    ConfigWatcher watcher = events.watcher(file, clock);
    watcher.poll();
    AgentConfig good = events.current();

    Files.writeString(file, "tier.free.rate=2/fortnight\n");
    watcher.poll();
    watcher.poll();
    assertEquals(good, events.current());
    assertFalse(watcher.fileValid());
    assertEquals(2, admitted("alice", 5));
    assertEquals(List.of(
        file + ":1: tier.free.rate: bad unit \"fortnight\" in \"2/fortnight\"; use /s, /min, /h or /day",
        file + ": invalid; the last good configuration stays in force"), reports);
    assertEquals(List.of(file + ": invalid; the last good configuration stays in force"), events.invalidSummaries);

    Files.delete(file);
    watcher.poll();
    watcher.poll();
    assertEquals(good, events.current(), "a deleted file keeps the limits too");

    Files.writeString(file, "tier.free.rate=2/min\n");
    watcher.poll();
    watcher.poll();
    assertEquals(List.of(Change.START, Change.VALID_AGAIN), events.changes);
    assertTrue(watcher.fileValid());
  }

  @Test
  void withoutAValidFileNothingIsLimitedAndOneSummaryLineRepeatsEveryMinute() throws IOException {
    Path file = dir.resolve("ratelimit.properties");
    Files.writeString(file, "mode=loud\ntier.free.rate=1/fortnight\n");
    ConfigWatcher watcher = events.watcher(file, clock);
    watcher.poll();
    assertNull(events.current());
    assertEquals(50, admitted("alice", 50), "the host runs unlimited rather than not at all");
    assertEquals(3, reports.size());
    assertEquals(file + ": no valid configuration; the agent limits nothing until the file is fixed", reports.get(2));

    clock.advance(Duration.ofSeconds(59));
    watcher.poll();
    assertEquals(3, reports.size(), "not before a minute has passed");
    clock.advance(Duration.ofSeconds(1));
    watcher.poll();
    assertEquals(List.of(file + ": still no valid configuration (2 problems); the agent limits nothing until the file is fixed"),
        reports.subList(3, reports.size()), "one summary line, not the problems again");

    Files.writeString(file, "mode=enforce\n");
    watcher.poll();
    watcher.poll();
    assertNotNull(events.current());
    assertEquals(List.of(Change.APPEARED), events.changes);
    assertEquals(1, watcher.reloads(), "a file that became valid later counts as a reload");
    assertEquals(10, admitted("alice", 50));
    clock.advance(Duration.ofMinutes(5));
    watcher.poll();
    assertEquals(4, reports.size(), "a valid file stops the repeats");
  }

  @Test
  void aMissingFileAtStartIsReportedOnceAndAppearsLater() throws IOException {
    Path absent = dir.resolve("absent.properties");
    ConfigWatcher watcher = events.watcher(absent, clock);
    watcher.poll();
    watcher.poll();
    assertEquals(List.of(absent + ": cannot read: no such file",
        absent + ": no valid configuration; the agent limits nothing until the file is fixed"), reports);
    assertEquals(1, events.invalidSummaries.size());

    Files.writeString(absent, "tool.recommend_tracks.cost=20\n");
    watcher.poll();
    watcher.poll();
    assertEquals(List.of(Change.APPEARED), events.changes);
    assertEquals(absent + ":1: tool.recommend_tracks.cost: recommend_tracks is not available on tier free"
        + " (cost 20 exceeds the tier's burst of 10)", reports.get(2), "warnings are reported when the file is applied");
    assertEquals(3, reports.size());
  }

  @Test
  void whetherTheFileIsValidIsAnsweredWhileAPollIsStuck() throws Exception {
    Path file = Files.writeString(dir.resolve("ratelimit.properties"), "mode=shadow\n");
    ConfigWatcher watcher = events.watcher(file, clock);
    watcher.poll();
    // Holding the watcher's lock stands for a poll that never returns.
    synchronized (watcher) {
      assertTrue(assertTimeoutPreemptively(Duration.ofSeconds(5),
          () -> CompletableFuture.supplyAsync(watcher::fileValid).get()));
    }
  }
}
