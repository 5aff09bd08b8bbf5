package dev.mcpratelimit.instrument;

import dev.mcpratelimit.runtime.AgentLog;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * Where the {@link WovenClassCache} lives: {@value #PROPERTY} names the folder ({@code off}: no
 * cache), else {@code $XDG_CACHE_HOME/mcp-ratelimit-agent}, else {@code ~/.cache/mcp-ratelimit-agent}.
 * It must belong to the JVM's user and be writable by it alone: a class woven into the host is code
 * the host runs. Inside, each agent build on each JVM has a folder of its own (its fingerprint).
 */
final class WeavingCacheFolder {

  static final String PROPERTY = "mcp.ratelimit.weaving-cache";
  private static final int FORMAT = 2;
  /** Folders of other agent builds or JVMs kept beside this one's; older ones are removed. */
  private static final int OTHER_BUILDS_KEPT = 3;
  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");
  /** The names this class gives build folders: only such folders are ever removed. */
  private static final Pattern BUILD_FOLDER = Pattern.compile("[0-9a-f]{40}");
  /** The end of a zip file: its central directory's size and offset are 12 and 16 bytes in. */
  private static final int END_OF_CENTRAL_DIRECTORY = 0x06054b50;

  private WeavingCacheFolder() {}

  /** This agent jar's and JVM's folder, made if need be; {@code null} if the cache is off or not safe to use. */
  static Path open() {
    String setting = System.getProperty(PROPERTY);
    if ("off".equals(setting)) {
      return null;
    }
    boolean named = setting != null && !setting.isBlank();
    try {
      Path base = named ? Path.of(setting).toAbsolutePath() : defaultBase();
      Path jar = Path.of(WeavingCacheFolder.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (base == null || !Files.isRegularFile(jar)) {
        return null; // no home to keep it in, or the agent runs from classes (its own tests)
      }
      String problem = ownedHere(base);
      if (problem != null) {
        String line = "the weaving cache " + base + " is not used: " + problem
            + "; every start weaves (set -D" + PROPERTY + "=off to say so, or name another folder)";
        if (named || !problem.startsWith(NO_POSIX)) {
          AgentLog.warning(line);
        } else {
          AgentLog.fine(line); // the default on such a file system: as documented, simply no cache
        }
        return null;
      }
      Path folder = base.resolve(fingerprint(jar));
      if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
        Files.createDirectories(folder, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        removeOldBuilds(base, folder);
      }
      return folder;
    } catch (IOException | URISyntaxException | RuntimeException e) {
      AgentLog.fine("no weaving cache: " + e);
      return null;
    }
  }

  private static Path defaultBase() {
    String xdg = System.getenv("XDG_CACHE_HOME");
    if (xdg != null && Path.of(xdg).isAbsolute()) {
      return Path.of(xdg, "mcp-ratelimit-agent");
    }
    String home = System.getProperty("user.home");
    return home == null || home.isBlank() || home.equals("?") ? null : Path.of(home, ".cache", "mcp-ratelimit-agent");
  }

  private static final String NO_POSIX = "the file system has no POSIX owners";

  /** Why {@code base} may not hold woven classes, or {@code null}; created (for this user only) if missing. */
  static String ownedHere(Path base) throws IOException {
    if (!FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      return NO_POSIX + " and permissions to check";
    }
    if (!Files.exists(base)) {
      Files.createDirectories(base.toAbsolutePath().getParent());
      try {
        Files.createDirectory(base, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
      } catch (FileAlreadyExistsException raced) {
        // another JVM made it: checked below like any other
      }
    }
    PosixFileAttributes attributes = Files.readAttributes(base, PosixFileAttributes.class);
    if (!attributes.isDirectory()) {
      return "it is not a folder";
    }
    String user = System.getProperty("user.name");
    if (!attributes.owner().equals(
        FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName(user))) {
      return "it belongs to " + attributes.owner().getName() + ", not to " + user;
    }
    Set<PosixFilePermission> permissions = attributes.permissions();
    if (permissions.contains(PosixFilePermission.GROUP_WRITE)
        || permissions.contains(PosixFilePermission.OTHERS_WRITE)) {
      return "others may write to it (" + PosixFilePermissions.toString(permissions) + ")";
    }
    return null;
  }

  /**
   * The agent jar's size and the CRC-32 of its central directory (which lists every entry's own
   * CRC-32, so any changed class changes it), and the JVM's version: what a woven class depends on
   * besides the host. Reads a few kilobytes at the jar's end, not the whole jar.
   */
  static String fingerprint(Path jar) throws IOException {
    String identity = FORMAT + "\n" + System.getProperty("java.vm.name") + "\n" + System.getProperty("java.vm.version");
    try (FileChannel channel = FileChannel.open(jar, StandardOpenOption.READ)) {
      long size = channel.size();
      int tail = (int) Math.min(size, 0xffff + 22); // the end record, after a comment of at most 64 KiB
      ByteBuffer end = ByteBuffer.allocate(tail).order(ByteOrder.LITTLE_ENDIAN);
      readFully(channel, end, size - tail);
      int at = tail - 22;
      while (at >= 0 && end.getInt(at) != END_OF_CENTRAL_DIRECTORY) {
        at--;
      }
      if (at < 0) {
        throw new IOException(jar + " is not a zip file");
      }
      long directorySize = Integer.toUnsignedLong(end.getInt(at + 12));
      long directoryOffset = Integer.toUnsignedLong(end.getInt(at + 16));
      ByteBuffer directory = ByteBuffer.allocate((int) Math.min(directorySize, 64L << 20));
      readFully(channel, directory, directoryOffset);
      directory.flip();
      CRC32 crc = new CRC32();
      crc.update(directory);
      return HexFormat.of().toHexDigits(WeaveInputs.checksum(identity.getBytes(StandardCharsets.UTF_8)))
          + HexFormat.of().toHexDigits(size) + HexFormat.of().toHexDigits((int) crc.getValue());
    }
  }

  private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
    while (buffer.hasRemaining()) {
      int read = channel.read(buffer, position + buffer.position());
      if (read < 0) {
        throw new IOException("the agent jar ended early");
      }
    }
  }

  /** Removes all but the most recent other build folders: only folders it named, and only its files in them. */
  static void removeOldBuilds(Path base, Path current) {
    try (Stream<Path> folders = Files.list(base)) {
      List<Path> others = folders.filter(path -> !path.equals(current)
              && BUILD_FOLDER.matcher(path.getFileName().toString()).matches()
              && Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS))
          .sorted(Comparator.comparing(WeavingCacheFolder::modified).reversed()).toList();
      for (Path old : others.subList(Math.min(OTHER_BUILDS_KEPT, others.size()), others.size())) {
        try (Stream<Path> files = Files.list(old)) {
          for (Path file : files.toList()) {
            if (WovenClassCache.isEntryFile(file.getFileName().toString())) {
              Files.deleteIfExists(file);
            }
          }
        }
        Files.deleteIfExists(old); // only if nothing else is in it
      }
    } catch (IOException | RuntimeException e) {
      AgentLog.fine("old weaving cache folders not removed: " + e);
    }
  }

  private static FileTime modified(Path path) {
    try {
      return Files.getLastModifiedTime(path, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      return FileTime.fromMillis(0);
    }
  }
}
