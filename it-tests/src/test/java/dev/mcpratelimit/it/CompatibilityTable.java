package dev.mcpratelimit.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The README's compatibility table (section {@value #SECTION}): the Markdown table there whose header
 * starts {@code | server | transport |}, a separator row and one row per server, transport (and JVM,
 * when results differ per JVM), with
 * {@code yes}, {@code no} or {@code –} (not applicable) in each check column. {@link VersionMatrixIT}
 * measures the same table and compares it row by row.
 */
final class CompatibilityTable {

  static final String SECTION = "## Compatibility";
  static final List<String> CHECKS = List.of("limited", "cost", "status tool listed", "status tool correct",
      "per-caller buckets", "headers", "429 + Retry-After");
  static final String NOT_APPLICABLE = "–";

  private CompatibilityTable() {}

  /** The header row and the separator row, with or without a JVM column. */
  static List<String> header(boolean withJvm) {
    List<String> columns = new ArrayList<>(List.of("server", "transport"));
    if (withJvm) {
      columns.add("JVM");
    }
    columns.addAll(CHECKS);
    return List.of(row(columns), row(columns.stream().map(column -> "---").toList()));
  }

  /** One Markdown table row: {@code | a | b |}. */
  static String row(List<String> cells) {
    return cells.stream().collect(Collectors.joining(" | ", "| ", " |"));
  }

  static String cell(Boolean value) {
    return value == null ? NOT_APPLICABLE : value ? "yes" : "no";
  }

  /**
   * The table's lines as the README has them (header and separator included), each normalized to
   * {@link #row} spacing; empty if the section or its table is missing. Other tables of the section
   * (before it) are not it.
   */
  static List<String> fromReadme(Path readme) throws IOException {
    List<String> lines = Files.readAllLines(readme, StandardCharsets.UTF_8);
    int section = lines.indexOf(SECTION);
    List<String> table = new ArrayList<>();
    if (section < 0) {
      return table;
    }
    for (int i = section + 1; i < lines.size() && !lines.get(i).startsWith("## "); i++) {
      String line = lines.get(i).strip();
      if (line.startsWith("|") && (!table.isEmpty() || normalize(line).startsWith("| server | transport |"))) {
        table.add(normalize(line));
      } else if (!table.isEmpty()) {
        break;
      }
    }
    return table;
  }

  private static String normalize(String line) {
    String inner = line.substring(1, line.endsWith("|") ? line.length() - 1 : line.length());
    List<String> cells = new ArrayList<>();
    for (String cell : inner.split("\\|", -1)) {
      cells.add(cell.strip());
    }
    return row(cells);
  }
}
