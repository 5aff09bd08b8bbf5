package dev.mcpratelimit.instrument;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The weaves the jar ships are the ones a host's JVM makes: a matrix server (Spring AI's among them,
 * its classes in Spring Boot's nested jars) started with the shipped weaves off keeps in its weaving
 * cache what it wove, and each of those classes is woven byte for byte as the jar ships it, after
 * reading what the shipped one read, on this JVM and on Java 25 where it is installed (the jar's
 * build ran on the JVM that builds it).
 */
class ShippedWeavesJarIT {

  private static final List<String> SERVERS = List.of("mcp-sdk-0.10.0.jar", "mcp-sdk-1.0.2.jar", "mcp-sdk-2.1.0.jar",
      "spring-ai-1.1.3-stdio.jar");

  @Test
  void eachShippedWeaveIsTheWeaveAStartMakes(@TempDir Path dir) throws Exception {
    Path config = Files.writeString(dir.resolve("ratelimit.properties"), "tier.free.rate=5/h\n");
    int compared = 0;
    try (JarFile jar = new JarFile(System.getProperty("agent.jar"))) {
      for (Path java : javas()) {
        for (String server : SERVERS) {
          Path cache = dir.resolve(java.getParent().getParent().getFileName() + "-" + server);
          Process process = new ProcessBuilder(java.toString(), "-Dmcp.ratelimit.shipped-weaves=off",
              "-Dmcp.ratelimit.weaving-cache=" + cache, "-javaagent:" + System.getProperty("agent.jar") + "=" + config,
              "-jar", Path.of(System.getProperty("matrix.servers.dir"), server).toString(), "--transport", "stdio")
              .redirectInput(new File("/dev/null")).redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .redirectError(ProcessBuilder.Redirect.DISCARD).start();
          assertTrue(process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0, server + " on " + java);
          List<Path> kept;
          try (Stream<Path> files = Files.walk(cache)) {
            kept = files.filter(file -> file.toString().endsWith(WovenEntry.SUFFIX)).toList();
          }
          assertTrue(kept.size() >= 3, server + " on " + java + " kept " + kept);
          for (Path file : kept) {
            WovenEntry woven = WovenEntry.parse(Files.readAllBytes(file));
            assertNotNull(woven, file.toString());
            WovenEntry shipped = shipped(jar, woven);
            assertNotNull(shipped, woven.className() + " of " + server + " is shipped");
            assertArrayEquals(woven.woven(), shipped.woven(), woven.className() + " of " + server + " on " + java);
            assertTrue(shipped.lines().containsAll(woven.lines()), shipped.lines() + " against " + woven.lines());
            compared++;
          }
        }
      }
    }
    assertTrue(compared >= 9, "compared " + compared);
  }

  /**
   * The jar's entry for the same class file that read at least what {@code woven} read, or {@code null}
   * (each shipped class is woven in a loader of its own, so it reads the SDK's version itself).
   */
  private static WovenEntry shipped(JarFile jar, WovenEntry woven) throws IOException {
    String name = ShippedWeaves.FOLDER + WovenEntry.fileName(woven.className(), woven.original());
    for (int alternative = 0; ; alternative++) {
      JarEntry entry = jar.getJarEntry(alternative == 0 ? name : name + "-" + alternative);
      if (entry == null) {
        return null;
      }
      try (InputStream in = jar.getInputStream(entry)) {
        WovenEntry shipped = WovenEntry.parse(in.readAllBytes());
        if (shipped != null && shipped.reads().containsAll(woven.reads())) {
          return shipped;
        }
      }
    }
  }

  /** This JVM's java, and Java 25's where Temurin's is installed. */
  private static List<Path> javas() throws IOException {
    List<Path> javas = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")));
    Path lib = Path.of("/usr/lib/jvm");
    if (Files.isDirectory(lib)) {
      try (DirectoryStream<Path> homes = Files.newDirectoryStream(lib, "temurin-25*")) {
        for (Path home : homes) {
          if (Files.isExecutable(home.resolve("bin/java"))) {
            javas.add(home.resolve("bin/java"));
            break;
          }
        }
      }
    }
    return javas;
  }
}
