package dev.mcpratelimit.cli;

import dev.mcpratelimit.runtime.AgentVersion;
import java.util.List;

/** {@code version}: prints the agent's version. */
final class VersionCommand implements Command {

  @Override
  public String synopsis() {
    return "version";
  }

  @Override
  public String summary() {
    return "prints the agent's version";
  }

  @Override
  public int run(List<String> args, Console console) {
    if (!args.isEmpty()) {
      return Usage.wrong(this, console);
    }
    console.out().println("mcp-ratelimit-agent " + AgentVersion.current());
    return ExitCode.OK;
  }
}
