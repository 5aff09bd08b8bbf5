package dev.mcpratelimit.cli;

import dev.mcpratelimit.config.ConfigParser;
import dev.mcpratelimit.identity.ApiKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * {@code hash CALLER}: reads the caller's API key from standard input and prints the configuration
 * line {@code caller.<id>.api-key-sha256=<hex>}. The key itself is never printed, not even in errors.
 */
final class HashCommand implements Command {

  @Override
  public String synopsis() {
    return "hash CALLER";
  }

  @Override
  public String summary() {
    return "reads CALLER's API key from standard input; prints its caller.CALLER.api-key-sha256 line";
  }

  @Override
  public int run(List<String> args, Console console) {
    if (args.size() != 1) {
      return Usage.wrong(this, console);
    }
    String caller = args.get(0);
    if (!ConfigParser.isCallerId(caller)) {
      // Not echoed: an operator who passed the key in place of the id would see it in the terminal.
      console.err().println("hash: a caller id is letters, digits, _ and - only (as in caller.<id>.tier)");
      return ExitCode.USAGE;
    }
    String key;
    try {
      key = withoutTrailingNewline(new String(console.in().readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      console.err().println("hash: cannot read the key from standard input: " + e.getMessage());
      return ExitCode.FAILED;
    }
    if (key.isEmpty()) {
      console.err().println("hash: the key on standard input is empty; e.g. printf %s \"$KEY\" | "
          + Usage.JAR + " hash " + caller);
      return ExitCode.FAILED;
    }
    console.out().println("caller." + caller + ".api-key-sha256=" + ApiKeys.sha256Hex(key));
    return ExitCode.OK;
  }

  /** Strips the one line end that {@code echo} or an editor adds; anything else is part of the key. */
  private static String withoutTrailingNewline(String text) {
    if (text.endsWith("\r\n")) {
      return text.substring(0, text.length() - 2);
    }
    return text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
  }
}
