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

  /** @param column the 1-based column (in code points) where the key starts on its line */
  record Entry(String key, String value, int line, int column) {}

  private PropertiesFile() {}

  /** Parses {@code text}; syntax problems and duplicate keys are added to {@code problems}. */
  static List<Entry> parse(Path file, String text, List<ConfigProblem> problems) {
    List<Entry> entries = new ArrayList<>();
    Map<String, Integer> firstLine = new HashMap<>();
    String[] lines = text.split("\r?\n|\r", -1);
    for (int i = 0; i < lines.length; i++) {
      int lineNumber = i + 1;
      String raw = lines[i];
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#") || line.startsWith("!")) {
        continue;
      }
      int eq = line.indexOf('=');
      if (eq < 0) {
        // Not echoed: such a line may be a key or its hash pasted without its key.
        problems.add(new ConfigProblem(file, lineNumber, null,
            "expected key=value, found no '=' (the line is not shown, it may hold a secret)"));
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
      int indent = raw.indexOf(line.charAt(0));
      entries.add(new Entry(key, value, lineNumber, raw.codePointCount(0, indent) + 1));
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
