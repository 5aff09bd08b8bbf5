package dev.mcpratelimit.cli;

import dev.mcpratelimit.config.ConfigParser;
import dev.mcpratelimit.config.ConfigProblem;
import dev.mcpratelimit.config.InvalidConfigException;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code check FILE}: validates a configuration file without starting a JVM with the agent. Prints
 * each problem on one line, exactly as the agent reports it at start, then whether the file is valid.
 */
final class CheckCommand implements Command {

  @Override
  public String synopsis() {
    return "check FILE";
  }

  @Override
  public String summary() {
    return "checks a configuration file; prints each problem on one line (exit 0 valid, 1 invalid)";
  }

  @Override
  public int run(List<String> args, Console console) {
    if (args.size() != 1) {
      return Usage.wrong(this, console);
    }
    // The same path as the agent would be given, so problems name the file the same way.
    Path file = Path.of(args.get(0));
    try {
      ConfigParser.load(file);
      console.out().println(file + ": valid");
      return ExitCode.OK;
    } catch (InvalidConfigException e) {
      List<ConfigProblem> problems = e.problems();
      problems.forEach(console.out()::println);
      console.out().println(file + ": invalid, " + problems.size() + (problems.size() == 1 ? " problem" : " problems"));
      return ExitCode.FAILED;
    }
  }
}
