package dev.mcpratelimit.benchmarks;

import static dev.mcpratelimit.benchmarks.LoadRuns.javaBinary;
import static dev.mcpratelimit.benchmarks.LoadRuns.loadAverage;
import static dev.mcpratelimit.benchmarks.LoadRuns.median;
import static dev.mcpratelimit.benchmarks.LoadRuns.medianInterval;
import static dev.mcpratelimit.benchmarks.LoadRuns.quantile;

import dev.mcpratelimit.benchmarks.OverheadRun.Options;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.ToDoubleFunction;

/**
 * The per-call part of {@link OverheadRun}: pairs of fresh server JVMs, one without and one with
 * the agent, run at the same time. Both are warmed up at once (one client thread each, not
 * measured); then one client thread calls them in turn, {@code block} calls to one, then to the
 * other, and each server's CPU and allocation are read at the start and end of that one window.
 * Whatever else the machine does in that window falls on both alike, which the ratio then cancels;
 * run one after the other, two servers met different neighbours, and the ratio carried that.
 *
 * <p>During the window the client and both servers are pinned to one CPU ({@code --pin-cpu}). Two
 * identical servers measured side by side but free to move still differed by up to 17 % in CPU per
 * call, each JVM in its own way for the whole window: where the scheduler woke a call's threads,
 * on the CPU that had its data or on the other one, differs from JVM to JVM. On one CPU every
 * hand-off of every call is alike, for both servers.
 */
final class PerCallOverhead {

  /** One server JVM's share of a pair's measured window. */
  record CallRun(boolean agent, long cpuTicks, Map<String, Long> threadTicks, long allocatedBytes,
      long[] sortedNanos, int calls) {

    double cpuMicrosPerCall() {
      return perCall(cpuTicks);
    }

    /** CPU of every thread but the JIT compilers and the GC, per call. */
    double appCpuMicrosPerCall() {
      return perCall(cpuTicks - ticks(ServerCpu.Kind.JIT) - ticks(ServerCpu.Kind.GC));
    }

    /** CPU of the threads that serve the calls (Jetty's and Reactor's), per call. */
    double requestCpuMicrosPerCall() {
      return perCall(ticks(ServerCpu.Kind.REQUEST));
    }

    double microsPerCall(ServerCpu.Kind kind) {
      return perCall(ticks(kind));
    }

    double bytesPerCall() {
      return (double) allocatedBytes / calls;
    }

    /** Nearest-rank percentile. */
    double percentileMicros(double p) {
      int rank = (int) Math.ceil(p / 100.0 * sortedNanos.length);
      return sortedNanos[Math.max(0, Math.min(sortedNanos.length - 1, rank - 1))] / 1_000.0;
    }

    /** CPU per call by thread name group, in µs, the biggest first. */
    String threadGroups() {
      StringBuilder text = new StringBuilder();
      threadTicks.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(6)
          .forEach(e -> text.append(String.format(Locale.ROOT, "%s%s %.1f", text.length() == 0 ? "" : ", ", e.getKey(),
              perCall(e.getValue()))));
      return text.toString();
    }

    private long ticks(ServerCpu.Kind kind) {
      return threadTicks.entrySet().stream().filter(e -> ServerCpu.kind(e.getKey()) == kind)
          .mapToLong(Map.Entry::getValue).sum();
    }

    private double perCall(long ticks) {
      return ticks * 1e6 / ServerCpu.TICKS_PER_SECOND / calls;
    }
  }

  /** One server of a pair while it runs. */
  private static final class Side {
    final boolean agent;
    /** Whether the agent is attached: in a control run, the "with" side runs without it too. */
    final boolean attached;
    final ServerJvm server;
    RawMcpClient client;
    ServerCpu cpuBefore;
    long bytesBefore;
    final long[] nanos;

    Side(boolean agent, boolean attached, ServerJvm server, int calls) {
      this.agent = agent;
      this.attached = attached;
      this.server = server;
      this.nanos = new long[calls];
    }
  }

  private final Options options;
  private final Path config;
  private final String apiKey;

  PerCallOverhead(Options options, Path config, String apiKey) {
    this.options = options;
    this.config = config;
    this.apiKey = apiKey;
  }

  void run() throws Exception {
    System.out.printf(Locale.ROOT, "%nper call: %d pairs of fresh server JVMs run at the same time, each %d warm-up "
            + "calls (both servers at once) + %d measured sequential tools/call get_track over Streamable HTTP, "
            + "the two servers called in turn, %d call(s) each%n", options.pairs(), options.warmup(), options.calls(),
        options.block());
    if (options.headers() != null) {
      System.out.println("the agent's servers run with headers=" + options.headers());
    }
    if (options.pinCpu() != null) {
      System.out.println("the measured window runs this client and both servers on CPU " + options.pinCpu() + " only");
    }
    if (options.control()) {
      System.out.println("control run: both servers of each pair run WITHOUT the agent (\"with\" is a second "
          + "server without it), so the ratios show the measurement's own spread");
    }
    List<CallRun[]> pairs = new ArrayList<>();
    for (int pair = 0; pair < options.pairs(); pair++) {
      // Alternate which server starts and is called first, so that neither gets a fixed head start.
      boolean agentFirst = pair % 2 == 1;
      List<Boolean> agents = new ArrayList<>();
      for (boolean agent : new boolean[] {agentFirst, !agentFirst}) {
        if (options.only() == null || agent == options.only().equals("with")) {
          agents.add(agent);
        }
      }
      String load = loadAverage();
      CallRun[] runs = pair(agents); // [without, with]
      for (CallRun run : runs) {
        if (run != null) {
          System.out.printf(Locale.ROOT, "  pair %d %-7s cpu %.1f µs/call (jit %.1f, gc %.1f, request threads %.1f, "
                  + "other %.1f), %.0f B/call, p50 %.0f µs, p99 %.0f µs, load %s then %s%n",
              pair + 1, run.agent() ? "with" : "without", run.cpuMicrosPerCall(), run.microsPerCall(ServerCpu.Kind.JIT),
              run.microsPerCall(ServerCpu.Kind.GC), run.requestCpuMicrosPerCall(),
              run.appCpuMicrosPerCall() - run.requestCpuMicrosPerCall(), run.bytesPerCall(), run.percentileMicros(50),
              run.percentileMicros(99), load, loadAverage());
          System.out.println("         µs/call by thread: " + run.threadGroups());
        }
      }
      pairs.add(runs);
    }
    if (options.only() == null) {
      report(pairs);
    }
  }

  /** Starts the pair's servers, warms them up at once, then measures them over one window. */
  private CallRun[] pair(List<Boolean> agents) throws Exception {
    List<Side> sides = new ArrayList<>();
    try {
      for (boolean agent : agents) {
        boolean attached = agent && !options.control();
        sides.add(new Side(agent, attached, new ServerJvm(command(attached)), options.calls()));
      }
      for (Side side : sides) {
        side.client = new RawMcpClient(side.server.awaitReady(), apiKey);
        side.client.initialize();
        if (side.client.listsStatusTool() != side.attached) {
          throw new IllegalStateException(side.attached ? "the server does not list rate_limit_status: is the agent attached?"
              : "the server lists rate_limit_status although no agent is attached");
        }
      }
      warmUp(sides);
      String clientCpus = null;
      if (options.pinCpu() != null) {
        // One CPU for the client and both servers: every hand-off in a call stays on it, for both.
        long self = ProcessHandle.current().pid();
        clientCpus = CpuPinning.cpus(self);
        CpuPinning.pin(self, options.pinCpu());
        for (Side side : sides) {
          CpuPinning.pin(side.server.pid(), options.pinCpu());
        }
      }
      for (Side side : sides) {
        side.cpuBefore = ServerCpu.of(side.server.pid());
        side.bytesBefore = side.server.allocatedBytes();
      }
      for (int done = 0; done < options.calls(); done += options.block()) {
        for (Side side : sides) {
          for (int i = done; i < Math.min(options.calls(), done + options.block()); i++) {
            side.nanos[i] = side.client.checkedCall(side.attached && options.headersSent());
          }
        }
      }
      if (clientCpus != null) {
        CpuPinning.pin(ProcessHandle.current().pid(), clientCpus);
      }
      CallRun[] runs = new CallRun[2];
      for (Side side : sides) {
        ServerCpu after = ServerCpu.of(side.server.pid());
        long bytes = side.server.allocatedBytes() - side.bytesBefore;
        Arrays.sort(side.nanos);
        runs[side.agent ? 1 : 0] = new CallRun(side.agent, after.total() - side.cpuBefore.total(),
            after.groupTicksSince(side.cpuBefore), bytes, side.nanos, options.calls());
      }
      return runs;
    } catch (Exception e) {
      StringBuilder logs = new StringBuilder();
      for (Side side : sides) {
        logs.append("\nthe server ").append(side.agent ? "with" : "without").append(" the agent, its last lines:\n")
            .append(side.server.lastLines());
      }
      throw new IllegalStateException("a pair failed: " + e + logs, e);
    } finally {
      for (Side side : sides) {
        if (side.client != null) {
          side.client.close();
        }
        side.server.close();
      }
    }
  }

  /** The warm-up is not measured: both servers at once, one client thread each, takes half the time. */
  private void warmUp(List<Side> sides) throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(sides.size());
    try {
      List<Future<Object>> done = new ArrayList<>();
      for (Side side : sides) {
        done.add(threads.submit(() -> {
          for (int i = 0; i < options.warmup(); i++) {
            side.client.checkedCall(side.attached && options.headersSent());
          }
          return null;
        }));
      }
      for (Future<Object> warm : done) {
        warm.get();
      }
    } finally {
      threads.shutdownNow();
    }
  }

  private List<String> command(boolean attached) {
    List<String> command = new ArrayList<>();
    command.add(javaBinary());
    command.addAll(options.jvmOptions());
    if (attached) {
      command.add("-javaagent:" + options.agent().toAbsolutePath() + "=" + config.toAbsolutePath());
    }
    command.addAll(List.of("-jar", options.server().toAbsolutePath().toString(), "--port", "0"));
    return command;
  }

  // ---- the report ----

  private static void report(List<CallRun[]> pairs) {
    System.out.println();
    System.out.println("| pair | first | CPU µs/call without / with | **CPU ratio** | without JIT+GC | request threads "
        + "| B/call without / with | p50 µs without / with | p50 ratio | p99 ratio |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|");
    for (int i = 0; i < pairs.size(); i++) {
      CallRun without = pairs.get(i)[0];
      CallRun with = pairs.get(i)[1];
      System.out.printf(Locale.ROOT, "| %d | %s | %.1f / %.1f | **%.3f** | %.3f | %.3f | %.0f / %.0f | %.0f / %.0f "
              + "| %.3f | %.3f |%n",
          i + 1, i % 2 == 1 ? "with" : "without", without.cpuMicrosPerCall(), with.cpuMicrosPerCall(),
          with.cpuMicrosPerCall() / without.cpuMicrosPerCall(),
          with.appCpuMicrosPerCall() / without.appCpuMicrosPerCall(),
          with.requestCpuMicrosPerCall() / without.requestCpuMicrosPerCall(), without.bytesPerCall(),
          with.bytesPerCall(), without.percentileMicros(50), with.percentileMicros(50),
          with.percentileMicros(50) / without.percentileMicros(50),
          with.percentileMicros(99) / without.percentileMicros(99));
    }
    System.out.println();
    summary(pairs, "CPU per call", CallRun::cpuMicrosPerCall);
    summary(pairs, "CPU per call, without JIT and GC threads", CallRun::appCpuMicrosPerCall);
    summary(pairs, "CPU per call, request threads only (qtp, boundedElastic)", CallRun::requestCpuMicrosPerCall);
    summary(pairs, "p50 latency", run -> run.percentileMicros(50));
    summary(pairs, "p99 latency", run -> run.percentileMicros(99));
    spread(pairs, "allocation per call, B", CallRun::bytesPerCall, "%.0f");
    spread(pairs, "CPU per call, µs", CallRun::cpuMicrosPerCall, "%.1f");
  }

  /**
   * Median, quartiles and range of the per-pair ratios with / without, and the interval of two
   * order statistics that holds the true median with the stated probability (distribution-free):
   * if it excludes a value, the pairs tell the median from that value.
   */
  private static void summary(List<CallRun[]> pairs, String what, ToDoubleFunction<CallRun> figure) {
    double[] ratios = pairs.stream().mapToDouble(p -> figure.applyAsDouble(p[1]) / figure.applyAsDouble(p[0]))
        .sorted().toArray();
    LoadRuns.Interval interval = medianInterval(ratios, 0.9);
    System.out.printf(Locale.ROOT, "%s, with / without: median %.3f, quartiles %.3f .. %.3f, range %.3f .. %.3f, "
            + "median within %.3f .. %.3f at %.0f %% (%d pairs)%n", what, median(ratios), quantile(ratios, 0.25),
        quantile(ratios, 0.75), ratios[0], ratios[ratios.length - 1], interval.low(), interval.high(),
        interval.coverage() * 100, ratios.length);
  }

  /** Medians and ranges of a figure without and with the agent, and of its per-pair difference. */
  private static void spread(List<CallRun[]> pairs, String what, ToDoubleFunction<CallRun> figure, String format) {
    double[] without = pairs.stream().mapToDouble(p -> figure.applyAsDouble(p[0])).sorted().toArray();
    double[] with = pairs.stream().mapToDouble(p -> figure.applyAsDouble(p[1])).sorted().toArray();
    double[] added = pairs.stream().mapToDouble(p -> figure.applyAsDouble(p[1]) - figure.applyAsDouble(p[0]))
        .sorted().toArray();
    String f = format; // short, for the format string below
    System.out.printf(Locale.ROOT, "%s: without median " + f + " (" + f + " .. " + f + "), with median " + f + " ("
            + f + " .. " + f + "); the agent adds, per pair, median " + f + " (" + f + " .. " + f + ")%n", what,
        median(without), without[0], without[without.length - 1], median(with), with[0], with[with.length - 1],
        median(added), added[0], added[added.length - 1]);
  }
}
