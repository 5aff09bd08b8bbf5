package dev.mcpratelimit.config;

import java.util.ArrayList;
import java.util.List;

/**
 * What the operator reads about a file: a bounded number of lines, each printable. A file of junk
 * must not flood the host's log, and nothing from it may reach the log raw.
 */
public final class ProblemReport {

  /** Problem (or warning) lines shown per file; the rest are counted on one line. */
  public static final int MAX_LINES = 10;
  /** Characters of a key shown; a longer key is cut. */
  static final int MAX_KEY_CHARS = 64;
  /** Characters of a value quoted in a message; a longer value is cut. */
  static final int MAX_VALUE_CHARS = 40;
  /** Characters of a whole message; a longer one (a list of many tiers) is cut. */
  public static final int MAX_MESSAGE_CHARS = 400;

  private ProblemReport() {}

  /**
   * One line per item, at most {@value #MAX_LINES}, then {@code FILE: and K more <plural>}.
   *
   * @param plural what the items are, e.g. {@code problems} or {@code warnings}
   */
  public static List<String> lines(List<ConfigProblem> items, String plural) {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < items.size() && i < MAX_LINES; i++) {
      lines.add(items.get(i).toString());
    }
    if (items.size() > MAX_LINES) {
      lines.add(items.get(0).where(0) + ": and " + (items.size() - MAX_LINES) + " more " + plural);
    }
    return lines;
  }

  /** {@code 1 problem}, {@code 3 problems}. */
  public static String count(int n, String singular) {
    return n + " " + singular + (n == 1 ? "" : "s");
  }

  /**
   * {@code text} safe for a log line: printable ASCII as it is, anything else (control
   * characters, NUL, non-ASCII) as {@code \}{@code uXXXX}, cut after {@code maxChars} characters
   * with {@code ...}.
   */
  public static String printable(String text, int maxChars) {
    StringBuilder out = new StringBuilder();
    int end = Math.min(text.length(), maxChars);
    for (int i = 0; i < end; i++) {
      char c = text.charAt(i);
      if (c >= 0x20 && c < 0x7f) {
        out.append(c);
      } else {
        out.append(String.format("\\u%04X", (int) c));
      }
    }
    return end < text.length() ? out.append("...").toString() : out.toString();
  }

  /** A value as messages quote it: printable, bounded, in double quotes. */
  static String quoted(String value) {
    return "\"" + printable(value, MAX_VALUE_CHARS) + "\"";
  }
}
