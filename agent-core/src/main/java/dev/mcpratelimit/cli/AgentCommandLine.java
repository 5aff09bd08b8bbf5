package dev.mcpratelimit.cli;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The agent jar's command line ({@code java -jar mcp-ratelimit-agent.jar <command>}): {@code check},
 * {@code hash}, {@code attach}, {@code version} and {@code help}. The jar's {@code Main-Class}.
 */
public final class AgentCommandLine {

  private static final Set<String> HELP = Set.of("help", "--help", "-h");

  private final Map<String, Command> commands = new LinkedHashMap<>();
  private final Usage usage;

  AgentCommandLine() {
    for (Command command : List.of(new CheckCommand(), new HashCommand(), new AttachCommand(), new VersionCommand())) {
      commands.put(command.synopsis().split(" ", 2)[0], command);
    }
    usage = new Usage(List.copyOf(commands.values()));
  }

  public static void main(String[] args) {
    // The only place that exits: commands return their exit code, so tests can run them in-process.
    System.exit(new AgentCommandLine().run(args, Console.system()));
  }

  /** Runs the command named by {@code args[0]}; returns the exit code. */
  int run(String[] args, Console console) {
    if (args.length == 0) {
      usage.print(console.err());
      return ExitCode.USAGE;
    }
    if (HELP.contains(args[0])) {
      usage.print(console.out());
      return ExitCode.OK;
    }
    Command command = commands.get(args[0]);
    if (command == null) {
      console.err().println("unknown command: " + args[0]);
      usage.print(console.err());
      return ExitCode.USAGE;
    }
    return command.run(Arrays.asList(args).subList(1, args.length), console);
  }
}
