package dev.mcpratelimit.config;

import java.util.List;

/**
 * A configuration file that cannot be used, with every problem found in it. Its message is the
 * bounded report ({@link ProblemReport#lines}), one problem a line.
 */
public final class InvalidConfigException extends Exception {

  private final List<ConfigProblem> problems;

  public InvalidConfigException(List<ConfigProblem> problems) {
    super(String.join("\n", ProblemReport.lines(problems, "problems")), null, false, false);
    this.problems = List.copyOf(problems);
  }

  public List<ConfigProblem> problems() {
    return problems;
  }
}
