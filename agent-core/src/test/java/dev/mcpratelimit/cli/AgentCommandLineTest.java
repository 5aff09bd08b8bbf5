package dev.mcpratelimit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class AgentCommandLineTest {

  private static final List<String> COMMANDS = List.of("check FILE", "hash CALLER", "attach PID [FILE]", "version", "help");

  @Test
  void helpAndItsFlagsListEveryCommandOnStdoutAndExit0() {
    for (String help : List.of("help", "--help", "-h")) {
      TestConsole console = new TestConsole();
      assertEquals(0, console.run(help), help);
      assertTrue(console.out().startsWith("usage: java -jar mcp-ratelimit-agent.jar <command>\n"), console.out());
      for (String command : COMMANDS) {
        assertTrue(console.out().contains("\n  " + command + " "), help + " must list " + command + ":\n" + console.out());
      }
      assertEquals("", console.err());
    }
  }

  @Test
  void noArgumentsPrintTheHelpOnStderrAndExit2() {
    TestConsole console = new TestConsole();
    assertEquals(2, console.run());
    assertEquals("", console.out());
    assertTrue(console.err().startsWith("usage: java -jar mcp-ratelimit-agent.jar <command>\n"), console.err());
  }

  @Test
  void anUnknownCommandIsNamedWithTheHelpOnStderrAndExits2() {
    TestConsole console = new TestConsole();
    assertEquals(2, console.run("chek", "ratelimit.properties"));
    assertEquals("", console.out());
    assertTrue(console.err().startsWith("unknown command: chek\nusage: "), console.err());
  }

  @Test
  void versionPrintsTheAgentsVersion() {
    TestConsole console = new TestConsole();
    assertEquals(0, console.run("version"));
    // From classes rather than the packaged jar there is no manifest version; AgentCommandLineJarIT checks the real one.
    assertEquals("mcp-ratelimit-agent (dev)\n", console.out());
    assertEquals("", console.err());
  }

  @Test
  void aCommandGivenTheWrongArgumentsSaysHowItIsCalledAndExits2() {
    for (List<String> args : List.of(List.of("version", "now"), List.of("check"), List.of("check", "a", "b"),
        List.of("hash"), List.of("hash", "alice", "extra"), List.of("attach"), List.of("attach", "1", "f", "g"))) {
      TestConsole console = new TestConsole();
      assertEquals(2, console.run(args.toArray(String[]::new)), args.toString());
      assertEquals("", console.out());
      String synopsis = COMMANDS.stream().filter(c -> c.startsWith(args.get(0))).findFirst().orElseThrow();
      assertEquals("usage: java -jar mcp-ratelimit-agent.jar " + synopsis + "\n", console.err());
    }
  }
}
