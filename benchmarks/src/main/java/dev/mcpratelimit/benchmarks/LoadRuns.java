package dev.mcpratelimit.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/** What the load runs share: forking JVMs, stopping them, the machine's load, and quantiles. */
final class LoadRuns {

  private LoadRuns() {}

  /** The {@code java} of the JVM running the load run, for the JVMs it forks. */
  static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** The 1, 5 and 15 minute load averages, as the machine reports them (the runs are shared). */
  static String loadAverage() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
      return fields[0] + " " + fields[1] + " " + fields[2];
    } catch (IOException e) {
      return "unknown";
    }
  }

  static double median(double[] values) {
    return quantile(values, 0.5);
  }

  /** The {@code q} quantile, interpolated between the two nearest values. */
  static double quantile(double[] values, double q) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    double position = q * (sorted.length - 1);
    int lower = (int) Math.floor(position);
    int upper = Math.min(sorted.length - 1, lower + 1);
    return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - lower);
  }

  /** An interval and the probability that it holds what it estimates. */
  record Interval(double low, double high, double coverage) {}

  /**
   * The narrowest interval of order statistics {@code [x(k), x(n+1-k)]} that holds the population
   * median with at least {@code confidence}, whatever the distribution: each value falls below the
   * median with probability 1/2, so the coverage is {@code 1 - 2 P(Binomial(n, 1/2) < k)}. With
   * too few values for {@code confidence}, the whole range.
   */
  static Interval medianInterval(double[] values, double confidence) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    double below = 0; // P(Binomial(n, 1/2) < k), for the k tried
    double binomial = Math.pow(0.5, n); // P(Binomial(n, 1/2) = k - 1)
    int k = 1;
    double coverage = 1 - 2 * binomial;
    while (k < n / 2) {
      double next = 1 - 2 * (below + binomial + binomial * (n - k + 1) / k);
      if (next < confidence) {
        break;
      }
      below += binomial;
      binomial = binomial * (n - k + 1) / k;
      k++;
      coverage = next;
    }
    return new Interval(sorted[k - 1], sorted[n - k], coverage);
  }

  /** Stops a forked JVM: politely, then forcibly after 10 s. */
  static void destroy(Process process) {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /** A command-line option's value, which must be there. */
  static String required(String option, String value) {
    if (value == null) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return value;
  }
}
