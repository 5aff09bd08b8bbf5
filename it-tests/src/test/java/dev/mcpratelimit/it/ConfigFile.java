package dev.mcpratelimit.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** The agent's properties file, written whole and replaced atomically (as editors do). */
public final class ConfigFile {

  private ConfigFile() {}

  /** Writes {@code lines} (one {@code key=value} each) to {@code dir/name}. */
  public static Path write(Path dir, String name, String... lines) throws IOException {
    Path file = dir.resolve(name);
    replace(file, lines);
    return file;
  }

  /** Replaces {@code file}'s content in one step, so the agent never reads half a file. */
  public static void replace(Path file, String... lines) throws IOException {
    Path temp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
    Files.writeString(temp, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** {@code caller.<id>.api-key-sha256=...} and {@code caller.<id>.tier=...}. */
  public static String[] caller(String id, String apiKey, String tier) {
    return new String[] {
        "caller." + id + ".api-key-sha256=" + McpClients.sha256(apiKey),
        "caller." + id + ".tier=" + tier};
  }
}
