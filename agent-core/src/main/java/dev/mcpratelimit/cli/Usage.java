package dev.mcpratelimit.cli;

import java.io.PrintStream;
import java.util.List;

/** The help text of the agent jar's command line, and the usage line of one command. */
final class Usage {

  static final String JAR = "java -jar mcp-ratelimit-agent.jar";

  private final List<Command> commands;

  Usage(List<Command> commands) {
    this.commands = List.copyOf(commands);
  }

  /** Prints every command with what it does, and the exit codes. */
  void print(PrintStream out) {
    out.println("usage: " + JAR + " <command>");
    out.println();
    int width = commands.stream().mapToInt(command -> command.synopsis().length()).max().orElse(0);
    String row = "  %-" + width + "s  %s%n";
    for (Command command : commands) {
      out.printf(row, command.synopsis(), command.summary());
    }
    out.printf(row, "help", "prints this help (also --help, -h)");
    out.println();
    out.println("As an agent: java -javaagent:mcp-ratelimit-agent.jar[=FILE] -jar your-mcp-server.jar");
    out.println("Exit codes: 0 done (check: valid), 1 failed (check: invalid), 2 wrong command line.");
  }

  /** Says how {@code command} is called, on stderr; returns the exit code for a wrong command line. */
  static int wrong(Command command, Console console) {
    console.err().println("usage: " + JAR + " " + command.synopsis());
    return ExitCode.USAGE;
  }
}
