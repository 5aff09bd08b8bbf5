package dev.mcpratelimit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.mcpratelimit.config.AgentConfig;
import dev.mcpratelimit.identity.CallerResolver;
import dev.mcpratelimit.config.ConfigParser;
import dev.mcpratelimit.identity.ApiKeys;
import dev.mcpratelimit.identity.CallerResolver;
import dev.mcpratelimit.identity.ResolvedCaller;
import java.util.List;
import org.junit.jupiter.api.Test;

class HashCommandTest {

  /** {@code printf %s alice-demo-key | sha256sum}, as in demo/ratelimit.properties. */
  private static final String ALICE_DEMO_KEY_SHA256 = "0572c17ed012b3efdf9df98db1718f225887132739b8da945d81ac5a7d1fea45";

  @Test
  void printsTheCallersConfigurationLineWithTheKeysSha256() {
    TestConsole console = new TestConsole("alice-demo-key");
    assertEquals(0, console.run("hash", "alice"));
    assertEquals("caller.alice.api-key-sha256=" + ALICE_DEMO_KEY_SHA256 + "\n", console.out());
    assertEquals("", console.err());
  }

  @Test
  void stripsExactlyOneTrailingNewline() {
    assertEquals("caller.alice.api-key-sha256=" + ALICE_DEMO_KEY_SHA256 + "\n", hash("alice-demo-key\n"));
    assertEquals("caller.alice.api-key-sha256=" + ALICE_DEMO_KEY_SHA256 + "\n", hash("alice-demo-key\r\n"));
    assertEquals("caller.alice.api-key-sha256=" + ApiKeys.sha256Hex("alice-demo-key\n") + "\n", hash("alice-demo-key\n\n"));
    assertEquals("caller.alice.api-key-sha256=" + ApiKeys.sha256Hex(" alice-demo-key\r") + "\n", hash(" alice-demo-key\r"));
  }

  @Test
  void theAgentKnowsTheCallerByTheKeyFromTheLineItPrints() throws Exception {
    AgentConfig config = ConfigParser.parse(null, hash("s3cret-key\n") + "caller.alice.tier=basic\n");
    assertEquals(new ResolvedCaller("alice", "basic", true), new CallerResolver(config.identity()).http("s3cret-key", "127.0.0.1", null));
  }

  @Test
  void refusesAnEmptyKeyAndExits1() {
    for (String stdin : List.of("", "\n", "\r\n")) {
      TestConsole console = new TestConsole(stdin);
      assertEquals(1, console.run("hash", "alice"));
      assertEquals("", console.out());
      assertEquals("hash: the key on standard input is empty; e.g. printf %s \"$KEY\" | "
          + "java -jar mcp-ratelimit-agent.jar hash alice\n", console.err());
    }
  }

  @Test
  void refusesACallerIdTheConfigurationCouldNotHoldAndExits2() {
    for (String id : List.of("", "two words", "alice.tier", "alice\nmode=off", "anon:127.0.0.1", "caller.alice")) {
      TestConsole console = new TestConsole("alice-demo-key");
      assertEquals(2, console.run("hash", id), id);
      assertEquals("", console.out());
      assertEquals("hash: a caller id is letters, digits, _ and - only (as in caller.<id>.tier)\n", console.err());
    }
    assertEquals(0, new TestConsole("k").run("hash", "Bob-2_x"));
  }

  @Test
  void neverPrintsTheKeyWhateverHappens() {
    String key = "sk-live-7f3a9c";
    for (String[] args : List.of(new String[] {"hash", "alice"}, new String[] {"hash", "no such id"},
        new String[] {"hash", "alice", key}, new String[] {"hash"})) {
      TestConsole console = new TestConsole(key + "\n");
      console.run(args);
      String printed = console.out() + console.err();
      // Only the argument that is itself the key (a usage mistake) may contain it, and it is not echoed either.
      assertFalse(printed.contains(key), String.join(" ", args) + " printed the key: " + printed);
    }
  }

  private static String hash(String stdin) {
    TestConsole console = new TestConsole(stdin);
    assertEquals(0, console.run("hash", "alice"));
    return console.out();
  }
}
