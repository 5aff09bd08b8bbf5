package dev.mcpratelimit.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** A scrape in the Prometheus text format (0.0.4): samples, and each family's TYPE and HELP. */
final class PrometheusText {

  record Sample(String name, Map<String, String> labels, double value) {}

  private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})?\\s+(\\S+)(\\s+\\S+)?");
  private static final Pattern LABEL = Pattern.compile("\\s*([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"\\s*,?");

  private final List<Sample> samples;
  private final Map<String, String> types;
  private final Map<String, String> helps;
  private final String text;

  private PrometheusText(List<Sample> samples, Map<String, String> types, Map<String, String> helps, String text) {
    this.samples = samples;
    this.types = types;
    this.helps = helps;
    this.text = text;
  }

  static PrometheusText parse(String text) {
    List<Sample> samples = new ArrayList<>();
    Map<String, String> types = new LinkedHashMap<>();
    Map<String, String> helps = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      if (line.startsWith("# TYPE ")) {
        String[] parts = line.substring(7).split(" ", 2);
        types.put(parts[0], parts[1].trim());
      } else if (line.startsWith("# HELP ")) {
        String[] parts = line.substring(7).split(" ", 2);
        helps.put(parts[0], parts.length > 1 ? parts[1] : "");
      } else if (!line.startsWith("#")) {
        Matcher matcher = SAMPLE.matcher(line);
        if (!matcher.matches()) {
          fail("not a sample line: " + line);
        }
        Map<String, String> labels = new TreeMap<>();
        if (matcher.group(3) != null) {
          Matcher label = LABEL.matcher(matcher.group(3));
          int end = 0;
          while (label.lookingAt()) {
            labels.put(label.group(1), label.group(2).replace("\\\"", "\"").replace("\\n", "\n").replace("\\\\", "\\"));
            end = label.end();
            label.region(end, matcher.group(3).length());
          }
          if (end != matcher.group(3).length()) {
            fail("bad labels in: " + line);
          }
        }
        samples.add(new Sample(matcher.group(1), labels, Double.parseDouble(matcher.group(4))));
      }
    }
    return new PrometheusText(samples, types, helps, text);
  }

  /** Samples of the metric {@code name}. */
  List<Sample> samples(String name) {
    return samples.stream().filter(sample -> sample.name().equals(name)).toList();
  }

  /** The one sample of {@code name} with exactly these labels; fails if there is none. */
  double value(String name, Map<String, String> labels) {
    return samples(name).stream().filter(sample -> sample.labels().equals(labels)).mapToDouble(Sample::value)
        .findFirst().orElseGet(() -> fail("no sample " + name + labels + " in the scrape:\n" + lines(name)));
  }

  /** The one sample of {@code name} without labels. */
  double value(String name) {
    return value(name, Map.of());
  }

  /** The sample names starting with {@code prefix}, sorted. */
  Set<String> names(String prefix) {
    return samples.stream().map(Sample::name).filter(name -> name.startsWith(prefix))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** The TYPE line's type of the family {@code name} (null if none). */
  String type(String name) {
    return types.get(name);
  }

  String help(String name) {
    return helps.get(name);
  }

  /** The lines of the scrape that mention {@code name}, for messages. */
  String lines(String name) {
    return text.lines().filter(line -> line.contains(name)).collect(Collectors.joining("\n"));
  }

  String text() {
    return text;
  }
}
