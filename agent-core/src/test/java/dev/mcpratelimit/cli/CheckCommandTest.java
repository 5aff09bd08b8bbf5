package dev.mcpratelimit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckCommandTest {

  @Test
  void aValidFileIsSaidToBeValidAndExits0(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("ratelimit.properties"), "tier.free.rate=10/min\nmode=shadow\n");
    TestConsole console = new TestConsole();
    assertEquals(0, console.run("check", file.toString()));
    assertEquals(file + ": valid\n", console.out());
    assertEquals("", console.err());
  }

  @Test
  void anInvalidFileGetsOneLinePerProblemNamingFileLineAndKeyAndExits1(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("ratelimit.properties"), """
        # three mistakes
        tier.free.rat=10/min
        tier.basic.rate=10/minute
        mode=loud
        """);
    TestConsole console = new TestConsole();
    assertEquals(1, console.run("check", file.toString()));
    assertEquals(file + ":2: tier.free.rat: unknown key (did you mean tier.free.rate?)\n"
        + file + ":3: tier.basic.rate: bad unit \"minute\" in \"10/minute\"; use /s, /min, /h or /day\n"
        + file + ":4: mode: \"loud\" is not one of enforce | shadow | off\n"
        + file + ": invalid, 3 problems\n", console.out());
    assertEquals("", console.err());
  }

  @Test
  void aMissingFileIsOneProblemNotAStackTrace(@TempDir Path dir) {
    Path file = dir.resolve("missing.properties");
    TestConsole console = new TestConsole();
    assertEquals(1, console.run("check", file.toString()));
    assertEquals(file + ": cannot read: no such file\n" + file + ": invalid, 1 problem\n", console.out());
  }

  @Test
  void aFileWithWarningsIsValidAndPrintsThemAsTheAgentDoes(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("ratelimit.properties"), "tool.recommend_tracks.cost=20\n");
    TestConsole console = new TestConsole();
    assertEquals(0, console.run("check", file.toString()));
    assertEquals(file + ":1: tool.recommend_tracks.cost: recommend_tracks is not available on tier free"
        + " (cost 20 exceeds the tier's burst of 10)\n" + file + ": valid, 1 warning\n", console.out());
  }

  @Test
  void aFileOfJunkPrintsTenLinesAndACountButNeverItsContent(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("ratelimit.properties"), "s3cret-key\n".repeat(50));
    TestConsole console = new TestConsole();
    assertEquals(1, console.run("check", file.toString()));
    String[] lines = console.out().split("\n");
    assertEquals(12, lines.length);
    assertEquals(file + ":1: expected key=value, found no '=' (the line is not shown, it may hold a secret)", lines[0]);
    assertEquals(file + ": and 40 more problems", lines[10]);
    assertEquals(file + ": invalid, 50 problems", lines[11]);
    assertEquals(false, console.out().contains("s3cret"));
  }
}
