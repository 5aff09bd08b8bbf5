package dev.mcpratelimit.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Pins every thread of a process to CPUs with {@code taskset -a -p} (threads started later inherit
 * it), and reads what a process may run on, to give it back.
 */
final class CpuPinning {

  private CpuPinning() {}

  /** The process's CPU list as {@code taskset -c} takes it, e.g. {@code 0,1}. */
  static String cpus(long pid) throws IOException, InterruptedException {
    String out = taskset("-c", "-p", Long.toString(pid));
    return out.substring(out.lastIndexOf(':') + 1).trim();
  }

  /** The highest-numbered CPU in a list such as {@code 0-3,6}. */
  static String last(String cpus) {
    String range = cpus.substring(cpus.lastIndexOf(',') + 1);
    return range.substring(range.lastIndexOf('-') + 1);
  }

  /** Every thread of {@code pid} runs on {@code cpus} from now on. */
  static void pin(long pid, String cpus) throws IOException, InterruptedException {
    taskset("-a", "-c", "-p", cpus, Long.toString(pid));
  }

  private static String taskset(String... args) throws IOException, InterruptedException {
    String[] command = new String[args.length + 1];
    command[0] = "taskset";
    System.arraycopy(args, 0, command, 1, args.length);
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.waitFor() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + out.trim());
    }
    return out;
  }
}
