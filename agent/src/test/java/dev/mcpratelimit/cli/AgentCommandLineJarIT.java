package dev.mcpratelimit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged jar's command line, run as operators run it: {@code java -jar mcp-ratelimit-agent.jar ...}. */
class AgentCommandLineJarIT {

  /** What one run of the jar printed and how it exited. */
  private record Run(int exitCode, String out, String err) {}

  @Test
  void checkOnAnInvalidFileExits1WithOneLinePerProblemNamingFileLineAndKey(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("ratelimit.properties"), """
        tier.free.rate=10/min
        tier.free.burst=0
        caller.alice.tier=gold
        """);
    Run run = run("", "check", file.toString());
    assertEquals(1, run.exitCode(), run.toString());
    assertEquals(List.of(
        file + ":2: tier.free.burst: burst must be positive, not 0",
        file + ":3: caller.alice.tier: unknown tier \"gold\" (tiers: basic, enterprise, free, premium)",
        file + ": invalid, 2 problems"), run.out().lines().toList());
    assertEquals("", run.err());
  }

  @Test
  void checkPrintsTheProblemsExactlyAsTheAgentReportsThemAtStart(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("ratelimit.properties"), "tier.free.rat=10/min\nmode=loud\n");
    List<String> checked = run("", "check", file.toString()).out().lines().toList();
    // The jar as an agent in front of its own command line: the agent reports at start, then version runs.
    Run started = run("", List.of("-javaagent:" + System.getProperty("agent.jar") + "=" + file), "version");
    String prefix = "[mcp-ratelimit] WARNING ";
    Pattern problem = Pattern.compile(Pattern.quote(prefix + file) + ":\\d+: .*");
    List<String> reported = started.err().lines().filter(line -> problem.matcher(line).matches())
        .map(line -> line.substring(prefix.length())).toList();
    assertEquals(2, reported.size(), started.err());
    assertEquals(checked.subList(0, checked.size() - 1), reported);
  }

  @Test
  void checkOnAValidFileExits0(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("ratelimit.properties"), "tier.free.rate=10/min\n");
    Run run = run("", "check", file.toString());
    assertEquals(new Run(0, file + ": valid\n", ""), run);
  }

  @Test
  void hashPrintsTheConfigurationLineAndNeverTheKey() throws Exception {
    String key = "sk-live-7f3a9c0d";
    Run run = run(key + "\n", "hash", "alice");
    assertEquals(0, run.exitCode(), run.toString());
    assertEquals("caller.alice.api-key-sha256=" + sha256sum(key) + "\n", run.out());
    assertFalse((run.out() + run.err()).contains(key));
  }

  @Test
  void versionIsTheManifestsVersion() throws Exception {
    Run run = run("", "version");
    assertEquals(0, run.exitCode(), run.toString());
    assertTrue(run.out().matches("mcp-ratelimit-agent 0\\.\\d+\\.\\d+(-SNAPSHOT)?\n"), run.out());
  }

  @Test
  void helpExits0AndNoArgumentsExit2() throws Exception {
    Run help = run("", "--help");
    assertEquals(0, help.exitCode(), help.toString());
    assertTrue(help.out().startsWith("usage: java -jar mcp-ratelimit-agent.jar <command>"), help.out());
    Run none = run("");
    assertEquals(2, none.exitCode(), none.toString());
    assertEquals(help.out(), none.err());
  }

  @Test
  void attachToAProcessThatDoesNotExistExits1() throws Exception {
    Run run = run("", "attach", String.valueOf(Integer.MAX_VALUE));
    assertEquals(1, run.exitCode(), run.toString());
    assertTrue(run.err().startsWith("could not attach to " + Integer.MAX_VALUE + ": "), run.err());
  }

  private static Run run(String stdin, String... args) throws Exception {
    return run(stdin, List.of(), args);
  }

  private static Run run(String stdin, List<String> jvmOptions, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.addAll(List.of("-jar", System.getProperty("agent.jar")));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).start();
    try (var in = process.getOutputStream()) {
      in.write(stdin.getBytes(StandardCharsets.UTF_8));
    }
    CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
    String out = readAll(process.getInputStream());
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the jar did not exit");
    return new Run(process.exitValue(), out, err.get(10, TimeUnit.SECONDS));
  }

  private static String readAll(InputStream stream) {
    try {
      return new String(stream.readAllBytes(), StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The hash computed by another tool than the agent's own code. */
  private static String sha256sum(String key) throws Exception {
    Process process = new ProcessBuilder("sha256sum").start();
    try (var in = process.getOutputStream()) {
      in.write(key.getBytes(StandardCharsets.UTF_8));
    }
    String out = readAll(process.getInputStream());
    assertTrue(process.waitFor(10, TimeUnit.SECONDS));
    return out.substring(0, 64);
  }
}
