package dev.mcpratelimit.instrument;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32;

/**
 * What one weave read from the host's class loader: class files (by content), landmarks (by
 * presence) and the SDK's version metadata. A woven class is reused at a later start only where
 * every one of these reads gives the same answer again ({@link #holdIn}), so the reuse is the
 * weave that would have run. The JDK's own {@code java.*} classes are not recorded: only the JDK
 * defines them, and the cache's fingerprint holds its version. The weaves the jar ships are used on
 * any JVM: no module's advice depends on more of a {@code java.*} class than every JDK since 17
 * has, and {@code ShippedWeavesJarIT} finds the same bytes woven on Java 17 and 25.
 *
 * <p>Content is compared by its length and CRC-32 ({@link #checksum}): a later version of a class
 * differs in both with a chance of about one in four billion of matching, and CRC-32 runs natively
 * in a JVM that has just started, where a cryptographic digest runs interpreted and costs more
 * than the weaving it saves. Nothing here guards against a hostile change: whoever can change the
 * host's jars runs code in it already.
 *
 * <p>Reads are recorded on the thread that weaves, while a {@link Recording} is open there.
 */
final class WeaveInputs {

  /** The answer of a read that found nothing. */
  static final long ABSENT = -1;
  /** The answer of a read that asked only whether the resource is there, and found it. */
  static final long PRESENT = -2;
  /** A resource there but unreadable now: matches no recorded answer. */
  private static final long UNREADABLE = -3;

  /** One read: a resource and what it gave, its {@link #checksum} or {@link #ABSENT} or {@link #PRESENT}. */
  record Read(String resource, long answer) {}

  private static final ThreadLocal<Recording> CURRENT = new ThreadLocal<>();

  private WeaveInputs() {}

  /** The reads of one weave on this thread; closing it hands them to an enclosing recording too. */
  static final class Recording implements AutoCloseable {
    private final Set<Read> reads = new LinkedHashSet<>();
    private final Recording outer;
    private boolean failed;

    private Recording(Recording outer) {
      this.outer = outer;
    }

    Set<Read> reads() {
      return reads;
    }

    /** Whether the weave went wrong somewhere (its result is then not one to reuse). */
    boolean failed() {
      return failed;
    }

    @Override
    public void close() {
      CURRENT.set(outer);
      if (outer != null) {
        outer.reads.addAll(reads);
        outer.failed |= failed;
      }
    }
  }

  static Recording record() {
    Recording recording = new Recording(CURRENT.get());
    CURRENT.set(recording);
    return recording;
  }

  /** A class file (or other resource) read through the host's loader: {@code content} {@code null} if absent. */
  static void read(String resource, byte[] content) {
    Recording recording = recorded(resource);
    if (recording != null) {
      recording.reads.add(new Read(resource, content == null ? ABSENT : checksum(content)));
    }
  }

  /**
   * Whether a resource is there, asked without reading it. Of the agent's own too: whether the host's
   * loader sees the agent at all is not something the agent jar's fingerprint tells.
   */
  static void presence(String resource, boolean present) {
    Recording recording = resource.startsWith("java/") ? null : CURRENT.get();
    if (recording != null) {
      recording.reads.add(new Read(resource, present ? PRESENT : ABSENT));
    }
  }

  /**
   * This thread's recording, if one is open and the resource is one the weave depends on: not the
   * JDK's, nor the agent's own (read through the host's loader where the agent jar is on its class
   * path; the jar is part of the cache's fingerprint).
   */
  private static Recording recorded(String resource) {
    Recording recording = CURRENT.get();
    return recording == null || resource.startsWith("java/") || resource.startsWith("dev/mcpratelimit/")
        ? null : recording;
  }

  /** Reads made earlier for this weave's sake (a module's fit, decided once per loader). */
  static void readAgain(Set<Read> reads) {
    Recording recording = CURRENT.get();
    if (recording != null) {
      recording.reads.addAll(reads);
    }
  }

  /** The weave on this thread went wrong: its result is not to be kept. */
  static void failed() {
    Recording recording = CURRENT.get();
    if (recording != null) {
      recording.failed = true;
    }
  }

  /**
   * Per loader, the answers already checked in this JVM: reads that several woven classes share
   * (the SDK's classes a module's advice uses) are read once.
   */
  private static final Map<ClassLoader, Map<String, Long>> CHECKED = new WeakHashMap<>();

  /** Whether every read gives the same answer in {@code loader} now. */
  static boolean holdIn(ClassLoader loader, Iterable<Read> reads) {
    Map<String, Long> checked;
    synchronized (CHECKED) {
      checked = CHECKED.computeIfAbsent(loader, l -> new ConcurrentHashMap<>());
    }
    for (Read read : reads) {
      boolean presenceOnly = read.answer() == PRESENT;
      String key = read.resource() + (presenceOnly ? "?" : "");
      Long now = checked.get(key);
      if (now == null) { // read outside the map: the loader may load classes, and land here again
        now = answer(loader, read.resource(), presenceOnly);
        checked.put(key, now);
      }
      if (now != read.answer()) {
        return false;
      }
    }
    return true;
  }

  private static long answer(ClassLoader loader, String resource, boolean presenceOnly) {
    URL url = loader.getResource(resource);
    if (url == null) {
      return ABSENT;
    }
    if (presenceOnly) {
      return PRESENT;
    }
    try (InputStream in = url.openStream()) {
      return checksum(in.readAllBytes());
    } catch (IOException e) {
      return UNREADABLE;
    }
  }

  /** The content's length (high 32 bits) and CRC-32 (low 32 bits): never negative. */
  static long checksum(byte[] content) {
    CRC32 crc = new CRC32();
    crc.update(content);
    return ((long) content.length << 32) | crc.getValue();
  }
}
