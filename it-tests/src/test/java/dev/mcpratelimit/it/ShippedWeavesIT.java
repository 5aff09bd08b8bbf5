package dev.mcpratelimit.it;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcpratelimit.it.servers.ChildLoaderHost;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * The weaves the agent jar ships, as a first start after installing it meets them: every SDK server
 * of the version matrix, Spring AI's stdio servers (their SDK in Spring Boot's nested jars) and the
 * sample server, started over stdio with stdin at its end (the start the start-up benchmark times)
 * and no weaving cache. Each has its SDK's classes served from the jar, loads no Byte Buddy (the
 * configured method is woven by the ASM Byte Buddy bundles), and says what it limits. Where the jar
 * does not serve a host, it is woven as ever, the build started at once.
 */
class ShippedWeavesIT {

  private static final String SDK_RELEASES = "0.10.0 0.11.3 0.14.1 0.17.0 1.0.2 1.1.5 2.0.1 2.1.0";
  private static final String SHIPPED = " from the weaves the agent ships";
  private static final String MISSED = " is neither in the weaving cache nor shipped woven";
  private static final String LIMITING = "INFO limiting tools/call of ";

  private record Start(List<String> stderr, boolean byteBuddy) {
    boolean says(String text) {
      return stderr.stream().anyMatch(line -> line.contains(text));
    }

    String all() {
      return String.join("\n", stderr);
    }
  }

  private static Start start(Path dir, String name, List<String> options, String... program) throws Exception {
    Path config = ConfigFile.write(dir, "ratelimit.properties", "tier.free.rate=5/h",
        "method.upstream.target=com.example.music.CatalogClient#recommend", "tool.upstream.global.rate=20/min");
    Path fine = ConfigFile.write(dir, "logging.properties", "mcp.ratelimit.level=FINE");
    Path classLoads = dir.resolve(name + "-class-loads.txt");
    Path stderr = dir.resolve(name + "-stderr.txt");
    List<String> command = new ArrayList<>(List.of(ForkedServer.javaBinary(), "-Dmcp.ratelimit.weaving-cache=off",
        "-Djava.util.logging.config.file=" + fine, "-Xlog:class+load:file=" + classLoads));
    command.addAll(options);
    command.add(ForkedServer.javaAgentOption(config));
    command.addAll(List.of(program));
    Process process = new ProcessBuilder(command).redirectInput(new File("/dev/null"))
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(stderr.toFile()).start();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(name + " did not end with its stdin:\n" + Files.readString(stderr));
    }
    assertEquals(0, process.exitValue(), name + ":\n" + Files.readString(stderr));
    try (Stream<String> loads = Files.lines(classLoads)) {
      // Byte Buddy itself, not the ASM it bundles (dev.mcpratelimit.shaded.bytebuddy.jar.asm)
      boolean byteBuddy = loads.anyMatch(line -> line.contains("dev.mcpratelimit.shaded.bytebuddy.")
          && !line.contains("dev.mcpratelimit.shaded.bytebuddy.jar.asm."));
      return new Start(Files.readAllLines(stderr), byteBuddy);
    }
  }

  private static Path matrixJar(String name) {
    return Path.of(System.getProperty("matrix.servers.dir")).resolve(name);
  }

  @Test
  void everyShippedSdkReleaseStartsWithoutByteBuddy(@TempDir Path dir) throws Exception {
    List<Executable> checks = new ArrayList<>();
    for (String release : SDK_RELEASES.split(" ")) {
      Start started = start(dir, release, List.of(), "-jar", matrixJar("mcp-sdk-" + release + ".jar").toString(),
          "--transport", "stdio");
      checks.add(() -> assertTrue(started.says(SHIPPED) && !started.says(MISSED) && !started.byteBuddy()
          && started.says(LIMITING), "SDK " + release + " served from the jar alone:\n" + started.all()));
    }
    for (String line : List.of("1.0.3", "1.1.3", "2.0.0")) {
      Start spring = start(dir, "spring-" + line, List.of(), "-jar", matrixJar("spring-ai-" + line + "-stdio.jar").toString());
      checks.add(() -> assertTrue(spring.says(SHIPPED) && !spring.says(MISSED) && !spring.byteBuddy()
          && spring.says(LIMITING), "Spring AI " + line + " served from the jar alone:\n" + spring.all()));
    }
    Start sample = start(dir, "sample", List.of(), "-jar", ForkedServer.jar("server.jar").toString(), "--stdio");
    checks.add(() -> assertTrue(sample.says(SHIPPED) && !sample.says(MISSED) && !sample.byteBuddy()
        && sample.says(LIMITING) && sample.says("FINE limiting com.example.music.CatalogClient#recommend"),
        "the sample server served from the jar alone:\n" + sample.all()));
    assertAll(checks.toArray(Executable[]::new));
  }

  /**
   * A release the jar ships, but with a class on the class path its weave found absent (here the
   * landmark of the WebFlux transport, as an SDK server with Spring WebFlux beside it has): the
   * agent's start finds that the jar does not serve it and builds at once, beside the host's start.
   */
  @Test
  void aShippedReleaseThatReadsOtherwiseIsBuiltAtOnce(@TempDir Path dir) throws Exception {
    Path landmark = dir.resolve("landmark/org/springframework/web/reactive/function/server/ServerRequest.class");
    Files.createDirectories(landmark.getParent());
    Files.write(landmark, new byte[0]);
    Path jar = matrixJar("mcp-sdk-2.1.0.jar");
    String main;
    try (JarFile server = new JarFile(jar.toFile())) {
      main = server.getManifest().getMainAttributes().getValue(Attributes.Name.MAIN_CLASS);
    }
    Start started = start(dir, "landmark", List.of(), "-cp", jar + File.pathSeparator + dir.resolve("landmark"), main,
        "--transport", "stdio");
    assertTrue(started.says("FINE the jar does not ship this host's SDK woven: building the instrumentation now")
        && started.says(MISSED) && started.byteBuddy() && started.says(LIMITING), started.all());
  }

  /**
   * The SDK in a class loader of the host's own, not on the JVM's class path: the jar is checked
   * against that loader once it defines a class. It serves a loader that delegates to the JVM's
   * application class loader; one that cannot see the agent is built for at once, and left alone.
   */
  @Test
  void anSdkInALoaderOfTheHostsOwnIsCheckedThere(@TempDir Path dir) throws Exception {
    String hostClasses = Path.of(ChildLoaderHost.class.getProtectionDomain().getCodeSource().getLocation().toURI())
        .toString();
    String server = matrixJar("mcp-sdk-2.1.0.jar").toString();
    Start child = start(dir, "child", List.of(), "-cp", hostClasses, ChildLoaderHost.class.getName(), server, "system",
        "--transport", "stdio");
    assertTrue(child.says(SHIPPED) && !child.says(MISSED) && !child.byteBuddy() && child.says(LIMITING)
        && !child.says("building the instrumentation now"), child.all());

    Start apart = start(dir, "apart", List.of(), "-cp", hostClasses, ChildLoaderHost.class.getName(), server, "platform",
        "--transport", "stdio");
    assertTrue(apart.says("FINE the jar does not ship this host's SDK woven: building the instrumentation now")
        && !apart.says("McpAsyncServer" + SHIPPED) // classes the advice changes; McpSchema is served as it is
        && apart.says("cannot see the agent's classes") && !apart.says(LIMITING), apart.all());
  }

  @Test
  void withShippedWeavesOffAnSdkIsWovenAsEver(@TempDir Path dir) throws Exception {
    Start off = start(dir, "off", List.of("-Dmcp.ratelimit.shipped-weaves=off"), "-jar",
        ForkedServer.jar("server.jar").toString(), "--stdio");
    assertTrue(!off.says(SHIPPED) && off.byteBuddy() && off.says(LIMITING), off.all());
  }
}
