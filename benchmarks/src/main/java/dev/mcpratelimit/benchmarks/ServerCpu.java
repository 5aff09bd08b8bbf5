package dev.mcpratelimit.benchmarks;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A process's cumulative CPU time from {@code /proc}: in all ({@code /proc/<pid>/stat}, which
 * counts threads that ended too) and by live thread ({@code /proc/<pid>/task/*}/stat), with each
 * thread's name. Ticks are {@code USER_HZ}; the kernel scales the sampled utime and stime to the
 * exact run time, so sums over many calls are precise to a tick.
 */
record ServerCpu(long total, Map<String, Long> byThread, Map<String, String> names) {

  static final long TICKS_PER_SECOND = 100; // USER_HZ on Linux

  /** What a thread's CPU is counted as. */
  enum Kind { JIT, GC, REQUEST, OTHER }

  static ServerCpu of(long pid) throws IOException {
    long total = ticks(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
    Map<String, Long> byThread = new HashMap<>();
    Map<String, String> names = new HashMap<>();
    File[] tasks = new File("/proc/" + pid + "/task").listFiles();
    for (File task : tasks == null ? new File[0] : tasks) {
      String stat;
      try {
        stat = Files.readString(task.toPath().resolve("stat"));
      } catch (IOException gone) {
        continue; // the thread ended meanwhile
      }
      byThread.put(task.getName(), ticks(stat));
      names.put(task.getName(), stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("[0-9]+", "N"));
    }
    return new ServerCpu(total, byThread, names);
  }

  /**
   * What a thread (by its kernel name, at most 15 characters) does. The sample server serves a call
   * on a Jetty thread ({@code qtp}) and runs the tool on a Reactor worker ({@code boundedElastic}).
   */
  static Kind kind(String name) {
    if (name.contains("CompilerThre")) {
      return Kind.JIT;
    }
    if (name.startsWith("GC Thread") || name.startsWith("G1 ") || name.startsWith("VM Thread")) {
      return Kind.GC;
    }
    if (name.startsWith("qtp") || name.startsWith("boundedElastic")) {
      return Kind.REQUEST;
    }
    return Kind.OTHER;
  }

  /**
   * CPU ticks from {@code before} to this sample by thread-name group (digits dropped). Threads that
   * started and ended in between are missing here, but counted in {@link #total}.
   */
  Map<String, Long> groupTicksSince(ServerCpu before) {
    Map<String, Long> groups = new TreeMap<>();
    for (Map.Entry<String, Long> thread : byThread.entrySet()) {
      long delta = thread.getValue() - before.byThread.getOrDefault(thread.getKey(), 0L);
      if (delta > 0) {
        groups.merge(names.get(thread.getKey()), delta, Long::sum);
      }
    }
    return groups;
  }

  /** utime + stime: fields 14 and 15 of a stat line, counted after the command name. */
  private static long ticks(String stat) {
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
    return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
  }
}
