package dev.mcpratelimit.instrument;

import dev.mcpratelimit.runtime.AgentLog;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Weaves the agent jar ships: the classes of every SDK release the agent is tested with, woven when
 * the jar was built, by the same build of the agent ({@code ShippedWeavesBuild}), each with what it
 * read there. A host whose SDK, as the jar ships it, loads the same class files and reads the same
 * everywhere the weave read (the SDK's own dependencies, at the versions its release names) is served
 * these on its very first start, and the agent builds no Byte Buddy at all. Anything else misses, and
 * is woven as ever.
 *
 * <p>A file name may hold several entries ({@code name}, {@code name-1}, ...): one class file read
 * differently by two releases' servers (another Reactor, say).
 */
final class ShippedWeaves {

  static final String FOLDER = "META-INF/mcp-ratelimit/woven/";
  /** Every entry's file name and reads, so that checking a host reads one small file, not the entries. */
  static final String INDEX = FOLDER + "index";
  /**
   * After a file name in the index: that class file could not be woven where a release's server has
   * it without what it needs (an SDK servlet transport without the Servlet API), with what that weave
   * read. Where those reads hold in a host too, the class is no reason to build at once: it cannot
   * load there either. Where they do not (the Servlet API there after all), it is.
   */
  static final String UNWOVEN = "!";
  /** {@code off}: never served (to tell, should a host misbehave, whether a shipped weave is why). */
  static final String PROPERTY = "mcp.ratelimit.shipped-weaves";

  private final ClassLoader agentLoader;

  ShippedWeaves(ClassLoader agentLoader) {
    this.agentLoader = agentLoader;
  }

  /** The jar's shipped weaves, or {@code null} if they are switched off. */
  static ShippedWeaves of(ClassLoader agentLoader) {
    return "off".equals(System.getProperty(PROPERTY)) ? null : new ShippedWeaves(agentLoader);
  }

  /** The shipped weave of this class file that holds in {@code loader}, or {@code null}. */
  WovenEntry.Woven find(String className, byte[] original, ClassLoader loader) {
    String name = FOLDER + WovenEntry.fileName(className, original);
    for (int alternative = 0; ; alternative++) {
      try (InputStream in = agentLoader.getResourceAsStream(alternative == 0 ? name : name + "-" + alternative)) {
        if (in == null) {
          return null;
        }
        WovenEntry entry = WovenEntry.parse(in.readNBytes(WovenEntry.MAX_BYTES + 1));
        WovenEntry.Woven woven = entry == null ? null : entry.servedFor(className, original, loader);
        if (woven != null) {
          return woven;
        }
      } catch (IOException | RuntimeException e) {
        AgentLog.fine("shipped weave " + name + " not used: " + e);
        return null;
      }
    }
  }

  /** What the jar serves of the target classes a class loader has. */
  enum Serving {
    /** Every one it has, and it has some. */
    ALL,
    /** Not every one it has. */
    NOT_ALL,
    /** It has none (or the jar ships nothing). */
    NONE
  }

  /**
   * What the jar serves of {@code classNames} (internal names) in {@code loader}: with {@link
   * Serving#ALL} the instrumentation need not be built unless a class misses. Reads those class
   * files once more (the JVM reads them again when it loads them), and the index.
   */
  Serving serving(Collection<String> classNames, ClassLoader loader) {
    Map<String, String> index;
    try (InputStream in = agentLoader.getResourceAsStream(INDEX)) {
      if (in == null) {
        return Serving.NONE; // a jar built without them
      }
      index = indexLines(in.readAllBytes());
    } catch (IOException | RuntimeException e) {
      AgentLog.fine("shipped weaves' index not read: " + e);
      return Serving.NOT_ALL;
    }
    boolean any = false;
    for (String className : classNames) {
      try (InputStream in = loader.getResourceAsStream(className + ".class")) {
        if (in == null) {
          continue;
        }
        String name = WovenEntry.fileName(className, in.readAllBytes());
        boolean served = holdsOne(index, name, loader);
        if (!served && !holdsOne(index, name + UNWOVEN, loader)) {
          return Serving.NOT_ALL;
        }
        any |= served;
      } catch (IOException | RuntimeException e) {
        return Serving.NOT_ALL;
      }
    }
    return any ? Serving.ALL : Serving.NONE;
  }

  /** Whether one of the index's lines {@code name}, {@code name-1}, ... has reads that all hold in {@code loader}. */
  private static boolean holdsOne(Map<String, String> index, String name, ClassLoader loader) {
    for (int alternative = 0; ; alternative++) {
      String line = index.get(alternative == 0 ? name : name + "-" + alternative);
      if (line == null) {
        return false;
      }
      if (WeaveInputs.holdIn(loader, reads(line))) {
        return true;
      }
    }
  }

  /**
   * The index of the entries the build wrote, by file name ({@link ShippedWeavesBuild}): a line each,
   * its name and then each read's answer and resource, separated by tabs; a class file it could not
   * weave is named with {@link #UNWOVEN} after it. Text, so that a JVM that
   * has just started, running it interpreted, splits it quickly (reading it field by field took
   * 70 to 110 ms).
   */
  static byte[] index(Map<String, WovenEntry> entries) {
    StringBuilder index = new StringBuilder();
    new TreeMap<>(entries).forEach((name, entry) -> {
      index.append(name);
      entry.reads().forEach(read -> index.append('\t').append(read.answer()).append('\t').append(read.resource()));
      index.append('\n');
    });
    return index.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** The index's lines by file name, unparsed: only the host's classes' lines are read. */
  static Map<String, String> indexLines(byte[] index) {
    Map<String, String> lines = new HashMap<>();
    for (String line : new String(index, StandardCharsets.UTF_8).split("\n")) {
      int tab = line.indexOf('\t');
      lines.put(tab < 0 ? line : line.substring(0, tab), line);
    }
    return lines;
  }

  /** An index line's reads. */
  static Set<WeaveInputs.Read> reads(String line) {
    String[] fields = line.split("\t");
    Set<WeaveInputs.Read> reads = new LinkedHashSet<>();
    for (int i = 1; i + 1 < fields.length; i += 2) {
      reads.add(new WeaveInputs.Read(fields[i + 1], Long.parseLong(fields[i])));
    }
    return reads;
  }
}
