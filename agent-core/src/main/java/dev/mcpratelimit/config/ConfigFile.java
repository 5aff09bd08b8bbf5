package dev.mcpratelimit.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One read of a configuration file: its bytes, or why it could not be read. Only a regular file of
 * at most {@value #MAX_BYTES} bytes is opened, so that a FIFO, a device or a huge file can neither
 * block nor exhaust the host; its text must be UTF-8 (a BOM is skipped).
 */
public final class ConfigFile {

  /** The largest file read: 1 MiB, far more than any real configuration. */
  public static final int MAX_BYTES = 1 << 20;

  private static final byte[] UTF8_BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

  private final Path path;
  private final byte[] bytes;
  private final ConfigProblem unreadable;

  private ConfigFile(Path path, byte[] bytes, ConfigProblem unreadable) {
    this.path = path;
    this.bytes = bytes;
    this.unreadable = unreadable;
  }

  /** Reads and parses {@code path}, as the agent does. */
  public static AgentConfig load(Path path) throws InvalidConfigException {
    return read(path).parse();
  }

  /** Reads {@code path} once; never blocks on what is not a regular file, never reads more than the bound. */
  public static ConfigFile read(Path path) {
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(path, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      return failed(path, Files.isSymbolicLink(path) ? "a symbolic link to a missing file" : "no such file");
    } catch (IOException e) {
      return failed(path, describe(e));
    }
    // Opening a FIFO blocks until a writer comes; a device never ends. Neither is opened.
    if (!attributes.isRegularFile()) {
      return failed(path, "not a regular file but " + kind(path, attributes) + "; the agent reads only regular files");
    }
    if (attributes.size() > MAX_BYTES) {
      return failed(path, tooLarge(attributes.size()));
    }
    try (InputStream in = Files.newInputStream(path)) {
      byte[] bytes = in.readNBytes(MAX_BYTES + 1); // it may have grown since its size was read
      return bytes.length > MAX_BYTES ? failed(path, tooLarge(bytes.length)) : new ConfigFile(path, bytes, null);
    } catch (IOException e) {
      return failed(path, describe(e));
    }
  }

  /** Whether {@code other} read exactly the same (the same bytes, or the same reason it could not be read). */
  public boolean sameAs(ConfigFile other) {
    return other != null && Arrays.equals(bytes, other.bytes) && Objects.equals(unreadable, other.unreadable);
  }

  /** The configuration in the file. */
  public AgentConfig parse() throws InvalidConfigException {
    if (unreadable != null) {
      throw new InvalidConfigException(List.of(unreadable));
    }
    return ConfigParser.parse(path, text());
  }

  /** The file's text: a UTF-8 BOM skipped; NUL bytes and anything that is not UTF-8 refused as a whole. */
  private String text() throws InvalidConfigException {
    int start = startsWith(UTF8_BOM) ? UTF8_BOM.length : 0;
    if (startsWith(new byte[] {(byte) 0xFE, (byte) 0xFF}) || startsWith(new byte[] {(byte) 0xFF, (byte) 0xFE})) {
      throw problem(0, "the file is UTF-16 (it starts with a UTF-16 byte order mark); save it as UTF-8");
    }
    for (int i = start; i < bytes.length; i++) {
      if (bytes[i] == 0) {
        throw problem(lineAt(i), "a NUL byte: this is not UTF-8 text (UTF-16 without a byte order mark?); save it as UTF-8");
      }
    }
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes, start, bytes.length - start);
    CharBuffer out = CharBuffer.allocate(bytes.length);
    CoderResult result = decoder.decode(in, out, true);
    if (result.isError()) {
      throw problem(lineAt(in.position()), "not valid UTF-8 (at byte " + (in.position() + 1) + "); save the file as UTF-8");
    }
    decoder.flush(out);
    return out.flip().toString();
  }

  private boolean startsWith(byte[] prefix) {
    return bytes.length >= prefix.length && Arrays.equals(bytes, 0, prefix.length, prefix, 0, prefix.length);
  }

  private int lineAt(int offset) {
    int line = 1;
    for (int i = 0; i < offset; i++) {
      if (bytes[i] == '\n') {
        line++;
      }
    }
    return line;
  }

  private InvalidConfigException problem(int line, String message) {
    return new InvalidConfigException(List.of(new ConfigProblem(path, line, null, message)));
  }

  private static ConfigFile failed(Path path, String why) {
    return new ConfigFile(path, null, new ConfigProblem(path, 0, null, "cannot read: " + why));
  }

  private static String tooLarge(long size) {
    return "too large (" + size + " bytes; a configuration file may have at most " + MAX_BYTES + ", 1 MiB)";
  }

  /** What a file that is not regular is, as far as the platform tells. */
  private static String kind(Path path, BasicFileAttributes attributes) {
    if (attributes.isDirectory()) {
      return "a directory";
    }
    try {
      if (Files.getAttribute(path, "unix:mode") instanceof Integer mode) {
        switch (mode & 0170000) {
          case 0010000 -> { return "a FIFO (named pipe)"; }
          case 0020000 -> { return "a character device"; }
          case 0060000 -> { return "a block device"; }
          case 0140000 -> { return "a socket"; }
          default -> { }
        }
      }
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      // No Unix view of the file system: the generic answer below.
    }
    return "a FIFO, device or socket";
  }

  static String describe(IOException e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage());
  }
}
