package dev.mcpratelimit.benchmarks;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs every benchmark with 1 and then 2 threads in one process and prints one table, with each
 * result as a ratio to Bucket4j's single bucket at the same thread count: the machines are shared,
 * so ratios from one run mean more than absolute times.
 */
public final class CompareAll {

  private record Row(String benchmark, int threads, double nsPerOp, double error) {}

  private CompareAll() {}

  public static void main(String[] args) throws RunnerException {
    System.setProperty("jol.magicFieldOffset", "true");
    int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    List<Row> rows = new ArrayList<>();
    for (int threads : new int[] {1, 2}) {
      Options options = new OptionsBuilder()
          .include(SingleBucketBenchmark.class.getSimpleName())
          .include(DecisionBenchmark.class.getSimpleName())
          .threads(threads)
          .forks(1)
          .warmupIterations(5)
          .warmupTime(TimeValue.seconds(1))
          .measurementIterations(iterations)
          .measurementTime(TimeValue.seconds(1))
          .build();
      rows.addAll(rows(new Runner(options).run(), threads));
    }
    System.out.println();
    System.out.println("| benchmark | threads | ns/op | ± (99.9%) | ratio to Bucket4j |");
    System.out.println("|---|---|---|---|---|");
    for (Row row : rows) {
      double bucket4j = rows.stream()
          .filter(r -> r.threads == row.threads && r.benchmark.endsWith("SingleBucketBenchmark.bucket4j"))
          .findFirst().orElseThrow().nsPerOp;
      System.out.printf(Locale.ROOT, "| %s | %d | %.1f | %.1f | %.2f |%n",
          row.benchmark.substring(row.benchmark.lastIndexOf('.', row.benchmark.lastIndexOf('.') - 1) + 1),
          row.threads, row.nsPerOp, row.error, row.nsPerOp / bucket4j);
    }
    System.out.println();
    System.out.printf(Locale.ROOT, "bytes per caller bucket, with its caller id string: %.1f%n",
        BucketMemory.perCallerBucket(100_000));
    System.out.printf(Locale.ROOT, "bytes per caller-tool bucket, with its key: %.1f%n",
        BucketMemory.perCallerToolBucket(100_000));
  }

  private static List<Row> rows(Collection<RunResult> results, int threads) {
    List<Row> rows = new ArrayList<>();
    for (RunResult result : results) {
      var primary = result.getPrimaryResult();
      rows.add(new Row(result.getParams().getBenchmark(), threads, primary.getScore(), primary.getScoreError()));
    }
    return rows;
  }
}
