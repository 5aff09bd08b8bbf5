package dev.mcpratelimit.instrument;

import dev.mcpratelimit.runtime.AgentLog;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * Classes as the instrumentation wove them at an earlier start, kept on disk so that a later
 * start reuses them instead of building the instrumentation: loading and running Byte Buddy, and
 * the JIT compiling it, is most of what the agent adds to a host's start.
 *
 * <p>An entry is reused only for the same class file, the same configured methods on it, in a
 * loader where everything the weave read reads the same ({@link WeaveInputs}), by the same agent
 * jar on the same JVM (each pair has a folder of its own). Entries carry a checksum, and any entry
 * that cannot be read is woven again. The folder must belong to the JVM's user and be writable by
 * it alone: a class woven into the host is code the host runs. {@value #PROPERTY} names the folder
 * ({@code off}: no cache); the default is {@code $XDG_CACHE_HOME/mcp-ratelimit-agent}, else
 * {@code ~/.cache/mcp-ratelimit-agent}.
 */
final class WovenClassCache {

  static final String PROPERTY = "mcp.ratelimit.weaving-cache";
  private static final int MAGIC = 0x4d435057; // "MCPW"
  private static final int FORMAT = 2;
  /** Larger than any woven class with its inputs: a bigger file is not one of ours. */
  private static final int MAX_ENTRY_BYTES = 16 << 20;
  /** Folders of other agent builds or JVMs kept beside this one's; older ones are removed. */
  private static final int OTHER_BUILDS_KEPT = 3;
  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

  /** A class as woven (its bytes, {@code null} if the instrumentation left it as it was) and the lines that said so. */
  record Woven(byte[] bytes, List<String> lines) {}

  private final Path folder;

  WovenClassCache(Path folder) {
    this.folder = folder;
  }

  /** The cache for this agent jar and JVM, or {@code null} if it is switched off or cannot be used safely. */
  static WovenClassCache open() {
    String setting = System.getProperty(PROPERTY);
    if ("off".equals(setting)) {
      return null;
    }
    try {
      Path base = setting != null && !setting.isBlank() ? Path.of(setting) : defaultBase();
      Path jar = Path.of(WovenClassCache.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (base == null || !Files.isRegularFile(jar)) {
        return null; // no home to keep it in, or the agent runs from classes (its own tests)
      }
      String problem = ownedHere(base);
      if (problem != null) {
        AgentLog.warning("the weaving cache " + base + " is not used: " + problem
            + "; every start weaves (set -D" + PROPERTY + "=off to say so, or name another folder)");
        return null;
      }
      Path folder = base.resolve(fingerprint(jar));
      if (!Files.isDirectory(folder)) {
        Files.createDirectories(folder, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        removeOldBuilds(base, folder);
      }
      return new WovenClassCache(folder);
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

  /** Why {@code base} may not hold woven classes, or {@code null}; created (for this user only) if missing. */
  static String ownedHere(Path base) throws IOException {
    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      if (!Files.exists(base)) {
        Files.createDirectories(base.getParent());
        try {
          Files.createDirectory(base, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        } catch (java.nio.file.FileAlreadyExistsException raced) {
          // another JVM made it: checked below like any other
        }
      }
      PosixFileAttributes attributes = Files.readAttributes(base, PosixFileAttributes.class);
      if (!attributes.isDirectory()) {
        return "it is not a folder";
      }
      String user = System.getProperty("user.name");
      if (!attributes.owner().equals(FileSystems.getDefault().getUserPrincipalLookupService()
          .lookupPrincipalByName(user))) {
        return "it belongs to " + attributes.owner().getName() + ", not to " + user;
      }
      Set<PosixFilePermission> permissions = attributes.permissions();
      if (permissions.contains(PosixFilePermission.GROUP_WRITE) || permissions.contains(PosixFilePermission.OTHERS_WRITE)) {
        return "others may write to it (" + PosixFilePermissions.toString(permissions) + ")";
      }
      return null;
    }
    return "the file system has no POSIX owners and permissions to check";
  }

  /**
   * The agent jar's size and modification time, as the JDK's own class-data archive checks its
   * jars, and the JVM's version: what a woven class depends on besides the host.
   */
  private static String fingerprint(Path jar) throws IOException {
    String identity = FORMAT + "\n" + System.getProperty("java.vm.name") + "\n" + System.getProperty("java.vm.version");
    return HexFormat.of().toHexDigits(WeaveInputs.checksum(identity.getBytes(StandardCharsets.UTF_8)))
        + HexFormat.of().toHexDigits(Files.size(jar)) + HexFormat.of().toHexDigits(Files.getLastModifiedTime(jar).toMillis());
  }

  private static void removeOldBuilds(Path base, Path current) {
    try (Stream<Path> folders = Files.list(base)) {
      List<Path> others = folders.filter(path -> !path.equals(current) && Files.isDirectory(path))
          .sorted(Comparator.comparing(WovenClassCache::modified).reversed()).toList();
      for (Path old : others.subList(Math.min(OTHER_BUILDS_KEPT, others.size()), others.size())) {
        try (Stream<Path> files = Files.list(old)) {
          for (Path file : files.toList()) {
            Files.deleteIfExists(file);
          }
        }
        Files.deleteIfExists(old);
      }
    } catch (IOException | RuntimeException e) {
      AgentLog.fine("old weaving cache folders not removed: " + e);
    }
  }

  private static FileTime modified(Path path) {
    try {
      return Files.getLastModifiedTime(path);
    } catch (IOException e) {
      return FileTime.fromMillis(0);
    }
  }

  /** Whether no class was kept yet (then the instrumentation is built at once, as it will be needed). */
  boolean isEmpty() {
    try (Stream<Path> files = Files.list(folder)) {
      return files.noneMatch(path -> path.getFileName().toString().endsWith(".woven"));
    } catch (IOException e) {
      return true;
    }
  }

  /**
   * The class {@code original} as woven at an earlier start, if that weave holds in {@code loader};
   * else {@code null}.
   *
   * @param methods the configured methods of that class, in a stable order
   */
  Woven find(String className, String methods, byte[] original, ClassLoader loader) {
    Path file = folder.resolve(fileName(className, methods, original));
    try {
      if (Files.size(file) > MAX_ENTRY_BYTES) {
        return null;
      }
      Entry entry = Entry.parse(Files.readAllBytes(file));
      if (entry == null || !entry.className.equals(className) || !entry.methods.equals(methods)
          || !Arrays.equals(entry.original, original) || !WeaveInputs.holdIn(loader, entry.reads)) {
        return null;
      }
      return new Woven(entry.woven, entry.lines);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException | RuntimeException e) {
      AgentLog.fine("weaving cache entry " + file.getFileName() + " not used: " + e);
      return null;
    }
  }

  /** Keeps a weave for later starts; a failure to write only costs them the weave. */
  void keep(String className, String methods, byte[] original, Set<WeaveInputs.Read> reads, Woven woven) {
    Path file = folder.resolve(fileName(className, methods, original));
    Path written = null;
    try {
      written = Files.createTempFile(folder, "entry", ".tmp");
      Files.write(written, new Entry(className, methods, original, reads, woven.lines(), woven.bytes()).bytes());
      Files.move(written, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException | RuntimeException e) {
      AgentLog.fine("woven " + className + " not kept: " + e);
      if (written != null) {
        try {
          Files.deleteIfExists(written);
        } catch (IOException ignored) {
          // a stray temporary file in the agent's own folder
        }
      }
    }
  }

  /** Two classes may share a name's file only by chance; the entry holds its key in full, which is compared. */
  private static String fileName(String className, String methods, byte[] original) {
    return HexFormat.of().toHexDigits(WeaveInputs.checksum((className + "\0" + methods).getBytes(StandardCharsets.UTF_8)))
        + HexFormat.of().toHexDigits(WeaveInputs.checksum(original)) + ".woven";
  }

  /** One kept weave, as written: its key in full (compared, not trusted to the file name), its inputs, lines and bytes. */
  private record Entry(String className, String methods, byte[] original, Set<WeaveInputs.Read> reads,
      List<String> lines, byte[] woven) {

    byte[] bytes() throws IOException {
      ByteArrayOutputStream buffer = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(buffer);
      out.writeInt(MAGIC);
      out.writeInt(FORMAT);
      out.writeUTF(className);
      out.writeUTF(methods);
      writeBytes(out, original);
      out.writeInt(reads.size());
      for (WeaveInputs.Read read : reads) {
        out.writeUTF(read.resource());
        out.writeLong(read.answer());
      }
      out.writeInt(lines.size());
      for (String line : lines) {
        out.writeUTF(line.length() > 8_000 ? line.substring(0, 8_000) : line);
      }
      writeBytes(out, woven);
      CRC32 crc = new CRC32();
      crc.update(buffer.toByteArray());
      out.writeLong(crc.getValue());
      return buffer.toByteArray();
    }

    /** The entry, or {@code null} if the bytes are not a whole entry of this format. */
    static Entry parse(byte[] file) throws IOException {
      if (file.length < 16) {
        return null;
      }
      CRC32 crc = new CRC32();
      crc.update(file, 0, file.length - 8);
      if (ByteBuffer.wrap(file, file.length - 8, 8).getLong() != crc.getValue()) {
        return null; // torn or damaged
      }
      DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(file, 0, file.length - 8));
      if (in.readInt() != MAGIC || in.readInt() != FORMAT) {
        return null;
      }
      String className = in.readUTF();
      String methods = in.readUTF();
      byte[] original = readBytes(in);
      int count = in.readInt();
      Set<WeaveInputs.Read> reads = new LinkedHashSet<>();
      for (int i = 0; i < count; i++) {
        reads.add(new WeaveInputs.Read(in.readUTF(), in.readLong()));
      }
      List<String> lines = new ArrayList<>();
      for (int i = in.readInt(); i > 0; i--) {
        lines.add(in.readUTF());
      }
      return new Entry(className, methods, original, reads, List.copyOf(lines), readBytes(in));
    }

    private static void writeBytes(DataOutputStream out, byte[] bytes) throws IOException {
      out.writeInt(bytes == null ? -1 : bytes.length);
      if (bytes != null) {
        out.write(bytes);
      }
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
      int length = in.readInt();
      return length < 0 ? null : in.readNBytes(length);
    }
  }
}
