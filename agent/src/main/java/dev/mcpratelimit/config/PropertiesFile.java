package dev.mcpratelimit.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The lines of a properties file as key, value and line number, which {@link java.util.Properties}
 * forgets. One {@code key=value} per line; {@code #} or {@code !} starts a comment line, and
 * whitespace followed by {@code #} starts a comment after a value.
 */
final class PropertiesFile {

  record Entry(String key, String value, int line) {}

  private PropertiesFile() {}

  /** Parses {@code text}; syntax problems and duplicate keys are added to {@code problems}. */
  static List<Entry> parse(Path file, String text, List<ConfigProblem> problems) {
    List<Entry> entries = new ArrayList<>();
    Map<String, Integer> firstLine = new HashMap<>();
    String[] lines = text.split("\r?\n|\r", -1);
    for (int i = 0; i < lines.length; i++) {
      int lineNumber = i + 1;
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#") || line.startsWith("!")) {
        continue;
      }
      int eq = line.indexOf('=');
      if (eq < 0) {
        problems.add(new ConfigProblem(file, lineNumber, line, "expected key=value"));
        continue;
      }
      String key = line.substring(0, eq).strip();
      String value = stripComment(line.substring(eq + 1)).strip();
      if (key.isEmpty()) {
        problems.add(new ConfigProblem(file, lineNumber, "", "missing key before '='"));
        continue;
      }
      Integer previous = firstLine.putIfAbsent(key, lineNumber);
      if (previous != null) {
        problems.add(new ConfigProblem(file, lineNumber, key, "set twice (first on line " + previous + ")"));
        continue;
      }
      entries.add(new Entry(key, value, lineNumber));
    }
    return entries;
  }

  private static String stripComment(String value) {
    for (int i = 1; i < value.length(); i++) {
      if (value.charAt(i) == '#' && Character.isWhitespace(value.charAt(i - 1))) {
        return value.substring(0, i);
      }
    }
    return value;
  }
}
