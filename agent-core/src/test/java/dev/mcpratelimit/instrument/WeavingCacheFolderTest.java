package dev.mcpratelimit.instrument;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WeavingCacheFolderTest {

  @TempDir
  Path base;

  @Test
  void aFolderOthersMayWriteToIsRefusedAndAMissingOneIsMadeForItsUserAlone() throws Exception {
    Path shared = base.resolve("shared");
    Files.createDirectory(shared);
    Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
    String refused = WeavingCacheFolder.ownedHere(shared);
    assertTrue(refused != null && refused.startsWith("others may write to it"), refused);
    Path fresh = base.resolve("a/b/mcp-ratelimit-agent");
    assertNull(WeavingCacheFolder.ownedHere(fresh));
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh)));
    Path file = base.resolve("file");
    Files.writeString(file, "");
    assertEquals("it is not a folder", WeavingCacheFolder.ownedHere(file));
  }

  @Test
  void onlyItsOwnOldBuildFoldersAndTheirEntriesAreRemoved() throws Exception {
    Path current = Files.createDirectory(base.resolve("f".repeat(40)));
    for (int i = 0; i < 5; i++) {
      Path old = Files.createDirectory(base.resolve(Integer.toString(i).repeat(40)));
      Files.writeString(old.resolve("0123.woven"), "entry");
      if (i == 0) {
        Files.writeString(old.resolve("notes.txt"), "not ours either");
      }
      Files.setLastModifiedTime(old, FileTime.fromMillis(1_000_000L * (i + 1)));
    }
    Path foreign = Files.createDirectory(base.resolve("photos"));
    Files.writeString(foreign.resolve("cat.jpg"), "not ours");
    Path mixed = base.resolve("0".repeat(40));

    WeavingCacheFolder.removeOldBuilds(base, current);

    assertTrue(Files.exists(foreign.resolve("cat.jpg")), "a folder the cache did not name is never touched");
    assertTrue(Files.exists(mixed.resolve("notes.txt")), "in an old build folder, only the cache's files go");
    assertTrue(Files.notExists(mixed.resolve("0123.woven")));
    assertTrue(Files.notExists(base.resolve("1".repeat(40))), "the oldest builds go");
    for (int i = 2; i < 5; i++) {
      assertTrue(Files.exists(base.resolve(Integer.toString(i).repeat(40)).resolve("0123.woven")), "the 3 most recent stay");
    }
    assertTrue(Files.exists(current));
  }

  @Test
  void theFingerprintFollowsTheJarsContentNotItsTimestamp() throws Exception {
    Path one = jar("one.jar", "a");
    Path other = jar("other.jar", "b"); // the same size, one byte of one class different
    Files.setLastModifiedTime(one, FileTime.fromMillis(0));
    Files.setLastModifiedTime(other, FileTime.fromMillis(0));
    assertEquals(Files.size(one), Files.size(other));
    assertNotEquals(WeavingCacheFolder.fingerprint(one), WeavingCacheFolder.fingerprint(other));
    Path copy = Files.copy(one, base.resolve("copy.jar"));
    assertEquals(WeavingCacheFolder.fingerprint(one), WeavingCacheFolder.fingerprint(copy), "content, not name or time");
    assertTrue(WeavingCacheFolder.fingerprint(one).matches("[0-9a-f]{40}"), "named as the pruning expects");
  }

  private Path jar(String name, String content) throws Exception {
    Path jar = base.resolve(name);
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      JarEntry entry = new JarEntry("dev/mcpratelimit/A.class");
      entry.setTime(0);
      out.putNextEntry(entry);
      out.write(content.getBytes());
      out.closeEntry();
    }
    return jar;
  }
}
