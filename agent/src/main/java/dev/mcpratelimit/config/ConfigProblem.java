package dev.mcpratelimit.config;

import java.nio.file.Path;

/** One thing wrong with a configuration file, printable as one line naming file, line and key. */
public record ConfigProblem(Path file, int line, String key, String message) {

  @Override
  public String toString() {
    String where = file == null ? "<defaults>" : file.toString();
    if (line > 0) {
      where += ":" + line;
    }
    return key == null || key.isEmpty() ? where + ": " + message : where + ": " + key + ": " + message;
  }
}
