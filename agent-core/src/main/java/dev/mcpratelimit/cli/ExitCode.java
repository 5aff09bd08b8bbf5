package dev.mcpratelimit.cli;

/** The exit codes of the agent jar's command line. */
final class ExitCode {

  /** The command did what was asked ({@code check}: the file is valid). */
  static final int OK = 0;
  /** The command ran and failed ({@code check}: the file is invalid; {@code attach}: could not attach). */
  static final int FAILED = 1;
  /** The command line itself was wrong: unknown command, wrong arguments. */
  static final int USAGE = 2;

  private ExitCode() {}
}
