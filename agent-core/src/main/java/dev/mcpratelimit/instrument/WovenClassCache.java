package dev.mcpratelimit.instrument;

import dev.mcpratelimit.runtime.AgentLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HexFormat;

/**
 * Classes as the instrumentation wove them at an earlier start, kept on disk so that a later
 * start reuses them instead of building the instrumentation: loading and running Byte Buddy, and
 * the JIT compiling it, is most of what the agent adds to a host's start.
 *
 * <p>An entry ({@link WovenEntry}) is reused only for the same class file, in a loader where
 * everything the weave read reads the same ({@link WeaveInputs}), by the same agent jar on the same JVM (each pair has a folder of its own, see {@link WeavingCacheFolder}). Entries
 * carry a checksum, and any entry that cannot be read is woven again.
 */
final class WovenClassCache {

  private static final String HOST = ".host";
  private static final String WRITING = ".tmp";

  private final Path folder;
  /** This host's mark: written once a weave of it is kept, so that its next start knows to expect its classes here. */
  private final Path host;
  private volatile boolean hostMarked;

  /** @param host what tells this host from others using the same folder (its class path and main class or jar) */
  WovenClassCache(Path folder, String host) {
    this.folder = folder;
    this.host = folder.resolve(
        HexFormat.of().toHexDigits(WeaveInputs.checksum(host.getBytes(StandardCharsets.UTF_8))) + HOST);
  }

  /** The cache for this agent jar, JVM and host, or {@code null} if it is switched off or cannot be used safely. */
  static WovenClassCache open() {
    Path folder = WeavingCacheFolder.open();
    if (folder == null) {
      return null;
    }
    String command = System.getProperty("sun.java.command", "");
    int space = command.indexOf(' ');
    return new WovenClassCache(folder, System.getProperty("java.class.path", "") + "\n"
        + (space < 0 ? command : command.substring(0, space))); // the main class or jar, not its arguments
  }

  /**
   * Whether this host kept classes here at an earlier start: then its classes are expected here, and
   * the instrumentation is built only if one is not. Another server, or the first start, builds at once.
   */
  boolean knowsThisHost() {
    return Files.isRegularFile(host);
  }

  /** Whether a file in a build folder is one this cache wrote (the only files ever removed there). */
  static boolean isEntryFile(String name) {
    return name.endsWith(WovenEntry.SUFFIX) || name.endsWith(HOST) || (name.startsWith("entry") && name.endsWith(WRITING));
  }

  /** The class {@code original} as woven at an earlier start, if that weave holds in {@code loader}; else {@code null}. */
  WovenEntry.Woven find(String className, byte[] original, ClassLoader loader) {
    Path file = folder.resolve(WovenEntry.fileName(className, original));
    try {
      if (Files.size(file) > WovenEntry.MAX_BYTES) {
        return null;
      }
      WovenEntry entry = WovenEntry.parse(Files.readAllBytes(file));
      return entry == null ? null : entry.servedFor(className, original, loader);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException | RuntimeException e) {
      AgentLog.fine("weaving cache entry " + file.getFileName() + " not used: " + e);
      return null;
    }
  }

  /** Keeps a weave for later starts; a failure to write only costs them the weave. */
  void keep(WovenEntry weave) {
    Path file = folder.resolve(WovenEntry.fileName(weave.className(), weave.original()));
    Path written = null;
    try {
      byte[] entry = weave.bytes();
      if (entry.length > WovenEntry.MAX_BYTES) {
        return;
      }
      written = Files.createTempFile(folder, "entry", WRITING);
      Files.write(written, entry);
      Files.move(written, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      if (!hostMarked) {
        hostMarked = true;
        Files.write(host, new byte[0]);
      }
    } catch (IOException | RuntimeException e) {
      AgentLog.fine("woven " + weave.className() + " not kept: " + e);
      if (written != null) {
        try {
          Files.deleteIfExists(written);
        } catch (IOException ignored) {
          // a stray temporary file in the agent's own folder
        }
      }
    }
  }
}
