package dev.mcpratelimit.cli;

import dev.mcpratelimit.config.AgentConfig;
import dev.mcpratelimit.config.ConfigFile;
import dev.mcpratelimit.config.InvalidConfigException;
import dev.mcpratelimit.config.ProblemReport;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code check FILE}: validates a configuration file without starting a JVM with the agent. Reads
 * it as the agent does and prints its problems (or warnings) exactly as the agent reports them at
 * start, then whether the file is valid.
 */
final class CheckCommand implements Command {

  @Override
  public String synopsis() {
    return "check FILE";
  }

  @Override
  public String summary() {
    return "checks a configuration file; prints each problem or warning on one line (exit 0 valid, 1 invalid)";
  }

  @Override
  public int run(List<String> args, Console console) {
    if (args.size() != 1) {
      return Usage.wrong(this, console);
    }
    // The same path as the agent would be given, so problems name the file the same way.
    Path file = Path.of(args.get(0));
    try {
      AgentConfig config = ConfigFile.load(file);
      ProblemReport.lines(config.warnings(), "warnings").forEach(console.out()::println);
      console.out().println(file + ": valid" + (config.warnings().isEmpty() ? ""
          : ", " + ProblemReport.count(config.warnings().size(), "warning")));
      return ExitCode.OK;
    } catch (InvalidConfigException e) {
      ProblemReport.lines(e.problems(), "problems").forEach(console.out()::println);
      console.out().println(file + ": invalid, " + ProblemReport.count(e.problems().size(), "problem"));
      return ExitCode.FAILED;
    }
  }
}
