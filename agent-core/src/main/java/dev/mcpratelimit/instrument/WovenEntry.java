package dev.mcpratelimit.instrument;

import dev.mcpratelimit.runtime.AgentLog;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.IllegalClassFormatException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32;

/**
 * One weave kept for later starts, as the {@link WovenClassCache} writes it and the agent jar ships
 * it ({@link ShippedWeaves}): its key in full (compared, not trusted to the file name), what the
 * weave read ({@link WeaveInputs}), the lines it said, and the woven bytes ({@code null}: the class
 * was left as it was). Written with a checksum: a torn or damaged entry is never used.
 */
record WovenEntry(String className, byte[] original, Set<WeaveInputs.Read> reads, List<String> lines, byte[] woven,
    boolean failed) {

  private static final int MAGIC = 0x4d435057; // "MCPW"
  private static final int FORMAT = 3;
  /** Larger than any woven class with its inputs: a bigger one is neither written nor read. */
  static final int MAX_BYTES = 16 << 20;
  static final String SUFFIX = ".woven";

  /** A class as woven (its bytes, {@code null} if the instrumentation left it as it was) and the lines that said so. */
  record Woven(byte[] bytes, List<String> lines) {}

  /**
   * Weaves a class with {@code built} as the host's class load would, recording what the weave read
   * and said: the entry to keep, unless it {@link #failed} somewhere (then it is only the host's).
   *
   * @param quiet whether the weave's lines are only kept, not said (the class is not the one the host loaded)
   */
  static WovenEntry weave(ClassFileTransformer built, Module module, ClassLoader loader, String className,
      ProtectionDomain domain, byte[] original, boolean quiet) throws IllegalClassFormatException {
    try (WeaveInputs.Recording recording = WeaveInputs.record(); AgentLog.Capture capture = AgentLog.capture(quiet)) {
      byte[] woven = built.transform(module, loader, className, null, domain, original);
      // In a stable order, so that the agent's build ships the same entries every time
      Set<WeaveInputs.Read> reads = new LinkedHashSet<>();
      recording.reads().stream().sorted(Comparator.comparing(WeaveInputs.Read::resource)
          .thenComparingLong(WeaveInputs.Read::answer)).forEach(reads::add);
      return new WovenEntry(className, original, Collections.unmodifiableSet(reads), List.copyOf(capture.lines()),
          woven, recording.failed());
    }
  }

  /** The entry's file name: two classes may share it only by chance, which the key in full tells. */
  static String fileName(String className, byte[] original) {
    return HexFormat.of().toHexDigits(WeaveInputs.checksum(className.getBytes(StandardCharsets.UTF_8)))
        + HexFormat.of().toHexDigits(WeaveInputs.checksum(original)) + SUFFIX;
  }

  /** The weave of this very class, if every read it made gives the same answer in {@code loader}; else {@code null}. */
  WovenEntry.Woven servedFor(String name, byte[] classFile, ClassLoader loader) {
    return className.equals(name) && Arrays.equals(original, classFile) && WeaveInputs.holdIn(loader, reads)
        ? new Woven(woven, lines) : null;
  }

  /** As written: never an entry that {@link #failed}. */
  byte[] bytes() throws IOException {
    if (failed) {
      throw new IllegalStateException("a weave that went wrong is never kept: " + className);
    }
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(buffer);
    out.writeInt(MAGIC);
    out.writeInt(FORMAT);
    out.writeUTF(className);
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
  static WovenEntry parse(byte[] file) throws IOException {
    if (file.length < 16 || file.length > MAX_BYTES) {
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
    return new WovenEntry(className, original, reads, List.copyOf(lines), readBytes(in), false);
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
