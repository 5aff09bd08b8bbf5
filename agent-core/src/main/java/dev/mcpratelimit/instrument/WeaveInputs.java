package dev.mcpratelimit.instrument;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What one weave read from the host's class loader: class files (by content), landmarks (by
 * presence) and the SDK's version metadata. A woven class is reused at a later start only where
 * every one of these reads gives the same answer again ({@link #holdIn}), so the reuse is exactly
 * the weave that would have run. The JDK's own {@code java.*} classes are not recorded: only the
 * JDK defines them, and its version is part of the cache's fingerprint.
 *
 * <p>Reads are recorded on the thread that weaves, while a {@link Recording} is open there.
 */
final class WeaveInputs {

  /** One read: a resource with the SHA-256 of its content, {@link #PRESENT} for presence only, or {@code null} if absent. */
  record Read(String resource, byte[] sha256) {
    @Override
    public boolean equals(Object other) {
      return other instanceof Read read && read.resource.equals(resource) && Arrays.equals(read.sha256, sha256);
    }

    @Override
    public int hashCode() {
      return resource.hashCode() * 31 + Arrays.hashCode(sha256);
    }
  }

  /** The "hash" of a read that asked only whether the resource is there. */
  static final byte[] PRESENT = new byte[0];

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
    Recording recording = CURRENT.get();
    if (recording != null && !resource.startsWith("java/")) {
      recording.reads.add(new Read(resource, content == null ? null : sha256(content)));
    }
  }

  /** Whether a resource is there, asked without reading it. */
  static void presence(String resource, boolean present) {
    Recording recording = CURRENT.get();
    if (recording != null && !resource.startsWith("java/")) {
      recording.reads.add(new Read(resource, present ? PRESENT : null));
    }
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
  private static final Map<ClassLoader, Map<String, byte[]>> CHECKED = new WeakHashMap<>();
  private static final byte[] ABSENT = new byte[0];

  /** Whether every read gives the same answer in {@code loader} now. */
  static boolean holdIn(ClassLoader loader, Iterable<Read> reads) {
    Map<String, byte[]> checked;
    synchronized (CHECKED) {
      checked = CHECKED.computeIfAbsent(loader, l -> new ConcurrentHashMap<>());
    }
    for (Read read : reads) {
      byte[] now = checked.computeIfAbsent(read.resource() + (read.sha256() == PRESENT ? "?" : ""),
          key -> answer(loader, read.resource(), read.sha256() == PRESENT));
      boolean absent = now == ABSENT;
      boolean same = read.sha256() == null ? absent
          : read.sha256() == PRESENT ? !absent : !absent && Arrays.equals(now, read.sha256());
      if (!same) {
        return false;
      }
    }
    return true;
  }

  /** What {@code loader} answers for {@code resource} now: {@link #ABSENT}, {@link #PRESENT}, or the content's SHA-256. */
  private static byte[] answer(ClassLoader loader, String resource, boolean presenceOnly) {
    URL url = loader.getResource(resource);
    if (url == null) {
      return ABSENT;
    }
    if (presenceOnly) {
      return PRESENT;
    }
    try (InputStream in = url.openStream()) {
      return sha256(in.readAllBytes());
    } catch (IOException e) {
      return ABSENT; // unreadable now: not the same answer as when it was read
    }
  }

  static byte[] sha256(byte[] content) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(content);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
