package dev.mcpratelimit.cli;

import java.util.List;

/** One command of the agent jar's command line, e.g. {@code check FILE}. */
interface Command {

  /** The command's name and arguments as the help shows them, e.g. {@code check FILE}. */
  String synopsis();

  /** What the command does, in one short line for the help. */
  String summary();

  /** Runs the command with the arguments after its name; returns the process's exit code. */
  int run(List<String> args, Console console);
}
