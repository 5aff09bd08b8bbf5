package dev.mcpratelimit.benchmarks;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Sums up a JFR recording of a server with the agent (see {@code benchmarks/jfr/overhead.jfc} and
 * the README's "Overhead" section): which share of the Java execution samples has an agent frame
 * ({@code dev.mcpratelimit.*}, shaded Caffeine and Byte Buddy included) anywhere on its stack, and
 * which agent methods and allocation sites those are.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.mcpratelimit.benchmarks.JfrSummary RECORDING.jfr CALLS [TOP]
 * </pre>
 *
 * <p>{@code CALLS} is the number of tool calls the recording covers; allocation is reported per
 * call as the sampled weight divided by it. Execution samples are attributed twice: to the
 * outermost agent frame (the agent entry point, inclusive of everything it calls) and to the
 * innermost agent frame (the agent method that was running or called into the JDK).
 */
public final class JfrSummary {

  private static final String AGENT = "dev.mcpratelimit.";

  private JfrSummary() {}

  public static void main(String[] args) throws Exception {
    Path file = Path.of(args[0]);
    long calls = Long.parseLong(args[1]);
    int top = args.length > 2 ? Integer.parseInt(args[2]) : 20;

    long samples = 0;
    long agentSamples = 0;
    Map<String, Long> byEntry = new HashMap<>();
    Map<String, Long> byInnermost = new HashMap<>();
    Map<String, Long> byTopFrame = new HashMap<>();
    long allocated = 0;
    long agentAllocated = 0;
    Map<String, Long> allocationSites = new HashMap<>();
    Map<String, Long> allocationEntries = new HashMap<>();
    Map<String, Long> allocationFrames = new HashMap<>();

    try (RecordingFile recording = new RecordingFile(file)) {
      while (recording.hasMoreEvents()) {
        RecordedEvent event = recording.readEvent();
        String type = event.getEventType().getName();
        RecordedStackTrace stack = event.getStackTrace();
        if (stack == null) {
          continue;
        }
        List<RecordedFrame> frames = stack.getFrames();
        int innermost = -1;
        int outermost = -1;
        for (int i = 0; i < frames.size(); i++) {
          if (isAgent(frames.get(i))) {
            if (innermost < 0) {
              innermost = i;
            }
            outermost = i;
          }
        }
        if (type.equals("jdk.ExecutionSample")) {
          samples++;
          if (innermost >= 0) {
            agentSamples++;
            increment(byEntry, name(frames.get(outermost)), 1);
            increment(byInnermost, name(frames.get(innermost)), 1);
            increment(byTopFrame, frames.isEmpty() ? "?" : name(frames.get(0)), 1);
          }
        } else if (type.equals("jdk.ObjectAllocationSample")) {
          long weight = event.getLong("weight");
          allocated += weight;
          if (innermost >= 0) {
            agentAllocated += weight;
            String objectClass = event.getClass("objectClass").getName();
            increment(allocationSites, objectClass + " in " + name(frames.get(innermost)) + line(frames.get(innermost)), weight);
            increment(allocationEntries, name(frames.get(outermost)), weight);
            increment(allocationFrames, name(frames.get(innermost)), weight);
          }
        }
      }
    }

    System.out.printf(Locale.ROOT, "%s: %d Java execution samples, %d (%.1f %%) with an agent frame on the stack%n",
        file, samples, agentSamples, 100.0 * agentSamples / Math.max(1, samples));
    print("execution samples by the outermost agent frame (the entry point, inclusive)", byEntry, agentSamples, top, false, calls);
    print("execution samples by the innermost agent frame", byInnermost, agentSamples, top, false, calls);
    print("execution samples with an agent frame, by the frame on top of the stack", byTopFrame, agentSamples, top, false, calls);
    System.out.printf(Locale.ROOT, "%nallocation: %.0f B per call sampled in all, %.0f B per call (%.1f %%) with an agent "
        + "frame on the stack (%d calls)%n", (double) allocated / calls, (double) agentAllocated / calls,
        100.0 * agentAllocated / Math.max(1, allocated), calls);
    print("agent allocation by class and innermost agent frame, B per call", allocationSites, agentAllocated, top, true, calls);
    print("agent allocation by the innermost agent frame, B per call", allocationFrames, agentAllocated, top, true, calls);
    print("agent allocation by the outermost agent frame, B per call", allocationEntries, agentAllocated, top, true, calls);
  }

  private static void print(String title, Map<String, Long> counts, long total, int top, boolean bytes, long calls) {
    System.out.println();
    System.out.println(title + ":");
    counts.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .limit(top)
        .forEach(e -> System.out.printf(Locale.ROOT, bytes ? "  %8.1f B  %5.1f %%  %s%n" : "  %8.0f    %5.1f %%  %s%n",
            bytes ? (double) e.getValue() / calls : (double) e.getValue(), 100.0 * e.getValue() / Math.max(1, total),
            e.getKey()));
  }

  private static boolean isAgent(RecordedFrame frame) {
    RecordedMethod method = frame.getMethod();
    return method != null && method.getType() != null && method.getType().getName().startsWith(AGENT);
  }

  private static String name(RecordedFrame frame) {
    RecordedMethod method = frame.getMethod();
    if (method == null || method.getType() == null) {
      return "?";
    }
    String type = method.getType().getName();
    return type.substring(type.lastIndexOf('.') + 1) + "." + method.getName();
  }

  private static String line(RecordedFrame frame) {
    int line = frame.getLineNumber();
    return line > 0 ? ":" + line : "";
  }

  private static void increment(Map<String, Long> counts, String key, long by) {
    counts.merge(key, by, Long::sum);
  }
}
