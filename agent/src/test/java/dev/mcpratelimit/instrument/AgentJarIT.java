package dev.mcpratelimit.instrument;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/** The jar users download: nothing in it may collide with the host's own classes. */
class AgentJarIT {

  private static JarFile jar() throws IOException {
    return new JarFile(System.getProperty("agent.jar"));
  }

  /**
   * Every shaded dependency's packages, as class files name them; not within a longer name (Gson
   * prints a URL, github.com/google/gson/...).
   */
  private static final List<Pattern> DEPENDENCIES = Stream.of("net/bytebuddy/", "com/github/benmanes/",
      "redis/clients/", "org/apache/commons/pool2/", "org/slf4j/", "com/google/gson/", "org/json/")
      .map(name -> Pattern.compile("(?<![A-Za-z0-9.])" + Pattern.quote(name))).toList();

  @Test
  void everyEntryLiesInTheAgentsPackagesOrMetaInf() throws IOException {
    List<String> strays = new ArrayList<>();
    try (JarFile jar = jar()) {
      for (Enumeration<JarEntry> entries = jar.entries(); entries.hasMoreElements(); ) {
        String name = entries.nextElement().getName();
        boolean inVersions = name.startsWith("META-INF/versions/");
        String path = inVersions ? name.replaceFirst("^META-INF/versions/\\d+/", "") : name;
        boolean ours = path.startsWith("dev/mcpratelimit/") || path.equals("dev/");
        boolean meta = !inVersions && name.startsWith("META-INF/");
        if (!ours && !meta && !(inVersions && !path.endsWith(".class"))) {
          strays.add(name);
        }
      }
    }
    assertEquals(List.of(), strays);
  }

  @Test
  void noClassStillNamesAnUnrelocatedDependency() throws IOException {
    List<String> unrelocated = new ArrayList<>();
    try (JarFile jar = jar()) {
      for (Enumeration<JarEntry> entries = jar.entries(); entries.hasMoreElements(); ) {
        JarEntry entry = entries.nextElement();
        if (entry.getName().endsWith(".class")) {
          String bytes = new String(jar.getInputStream(entry).readAllBytes(), StandardCharsets.ISO_8859_1);
          for (Pattern dependency : DEPENDENCIES) {
            if (dependency.matcher(bytes).find()) {
              unrelocated.add(entry.getName() + " names " + dependency);
            }
          }
        }
      }
    }
    assertEquals(List.of(), unrelocated);
  }

  @Test
  void theManifestMakesItAnAgent() throws IOException {
    try (JarFile jar = jar()) {
      Attributes main = jar.getManifest().getMainAttributes();
      assertEquals("dev.mcpratelimit.instrument.RateLimitAgent", main.getValue("Premain-Class"));
      assertEquals("dev.mcpratelimit.instrument.RateLimitAgent", main.getValue("Agent-Class"));
      assertEquals("dev.mcpratelimit.cli.AgentCommandLine", main.getValue("Main-Class"));
      assertEquals("true", main.getValue("Can-Retransform-Classes"));
      assertTrue(main.getValue("Implementation-Version").startsWith("0."));
    }
  }
}
