package dev.mcpratelimit.config;

import java.nio.file.Path;

/**
 * One thing wrong with a configuration file, printable as one line naming file, line and key. The
 * key and message are printed escaped and bounded ({@link ProblemReport#printable}).
 *
 * @param line the line number, 0 for the file as a whole
 * @param key the key, or {@code null} when the problem has none
 */
public record ConfigProblem(Path file, int line, String key, String message) {

  /** {@code FILE:LINE}, or {@code FILE} for line 0 ({@code <defaults>} without a file). */
  String where(int lineNumber) {
    String where = file == null ? "<defaults>" : file.toString();
    return lineNumber > 0 ? where + ":" + lineNumber : where;
  }

  @Override
  public String toString() {
    String text = ProblemReport.printable(message, ProblemReport.MAX_MESSAGE_CHARS);
    return key == null || key.isEmpty() ? where(line) + ": " + text
        : where(line) + ": " + ProblemReport.printable(key, ProblemReport.MAX_KEY_CHARS) + ": " + text;
  }
}
