package dev.mcpratelimit.instrument;

import dev.mcpratelimit.runtime.AgentLog;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32;

/**
 * Classes as the instrumentation wove them at an earlier start, kept on disk so that a later
 * start reuses them instead of building the instrumentation: loading and running Byte Buddy, and
 * the JIT compiling it, is most of what the agent adds to a host's start.
 *
 * <p>An entry is reused only for the same class file, the same configured methods on it, in a
 * loader where everything the weave read reads the same ({@link WeaveInputs}), by the same agent
 * jar on the same JVM (each pair has a folder of its own, see {@link WeavingCacheFolder}). Entries
 * carry a checksum, and any entry that cannot be read is woven again.
 */
final class WovenClassCache {

  private static final int MAGIC = 0x4d435057; // "MCPW"
  private static final int FORMAT = 2;
  /** Larger than any woven class with its inputs: a bigger one is neither written nor read. */
  private static final int MAX_ENTRY_BYTES = 16 << 20;
  private static final String ENTRY = ".woven";
  private static final String HOST = ".host";
  private static final String WRITING = ".tmp";

  /** A class as woven (its bytes, {@code null} if the instrumentation left it as it was) and the lines that said so. */
  record Woven(byte[] bytes, List<String> lines) {}

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
    return name.endsWith(ENTRY) || name.endsWith(HOST) || (name.startsWith("entry") && name.endsWith(WRITING));
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
      byte[] entry = new Entry(className, methods, original, reads, woven.lines(), woven.bytes()).bytes();
      if (entry.length > MAX_ENTRY_BYTES) {
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
        + HexFormat.of().toHexDigits(WeaveInputs.checksum(original)) + ENTRY;
  }

  /** One kept weave as written: its key in full (compared, not trusted to the file name), inputs, lines, bytes. */
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
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(file, 0, file.length - 8));
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
