package dev.mcpratelimit.instrument;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.ClassFileTransformer;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Run by the agent's own build, from the packaged jar, never by a host: weaves every class the
 * modules target in each given server jar as a host's start would, and writes what it would keep
 * into a folder the build adds to the jar as its {@link ShippedWeaves}. Each class is woven in a
 * class loader of its own, so that each entry carries every line its weave says (a module's fit is
 * decided, and said, once per loader). A weave that goes wrong is not shipped, as a start would not
 * keep it (a servlet transport of the SDK in a server without the Servlet API, say).
 *
 * <p>{@code java -cp mcp-ratelimit-agent.jar dev.mcpratelimit.instrument.ShippedWeavesBuild OUT SERVER.jar...}
 */
public final class ShippedWeavesBuild {

  private ShippedWeavesBuild() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      throw new IllegalArgumentException("usage: ShippedWeavesBuild OUTPUT-FOLDER SERVER.jar...");
    }
    Path out = Files.createDirectories(Path.of(args[0]).resolve(ShippedWeaves.FOLDER));
    try (Stream<Path> stale = Files.list(out)) { // an earlier build's: woven with other advice
      for (Path file : stale.toList()) {
        Files.delete(file);
      }
    }
    ClassLoader agentLoader = ShippedWeavesBuild.class.getClassLoader();
    List<String> classes = TargetTypes.in(agentLoader).internalNames();
    Map<String, WovenEntry> written = new HashMap<>();
    Set<String> unwoven = new HashSet<>();
    for (String server : Arrays.copyOfRange(args, 1, args.length)) {
      Path jar = Path.of(server);
      if (!Files.isRegularFile(jar)) {
        throw new IOException(jar + " is not there: build the servers first");
      }
      List<String> woven = new ArrayList<>();
      ClassFileTransformer built = new Instrumenter(null, agentLoader).build();
      URL[] classPath = classPath(jar, Files.createTempDirectory("shipped-weaves"));
      for (String className : classes) {
        String name = className.replace('/', '.');
        try (URLClassLoader loader = new URLClassLoader(classPath, agentLoader)) {
          byte[] original;
          try (InputStream in = loader.getResourceAsStream(className + ".class")) {
            if (in == null) {
              continue;
            }
            original = in.readAllBytes();
          }
          WovenEntry weave = WovenEntry.weave(built, loader.getUnnamedModule(), loader, className, null, original, true);
          String simple = name.substring(name.lastIndexOf('.') + 1);
          if (weave.failed()) { // as at a host's start, where it would not be kept either
            unwoven.add(WovenEntry.fileName(className, original));
            woven.add(simple + " (not shipped: " + String.join("; ", weave.lines()) + ")");
            continue;
          }
          written.put(write(out, weave), weave);
          woven.add(simple + (weave.woven() == null ? " (left as it is)" : ""));
        }
      }
      System.out.println(jar.getFileName() + ": " + String.join(", ", woven));
    }
    Files.write(out.resolve("index"), ShippedWeaves.index(written, unwoven));
    System.out.println(written.size() + " shipped weaves in " + out);
  }

  /**
   * What the server's classes load from: the jar, or for a Spring Boot executable jar what its
   * launcher's class loader reads (the classes and the nested jars, in the launcher's order),
   * unpacked into {@code scratch}.
   */
  private static URL[] classPath(Path jar, Path scratch) throws IOException {
    try (JarFile boot = new JarFile(jar.toFile())) {
      String lib = boot.getManifest() == null ? null : boot.getManifest().getMainAttributes().getValue("Spring-Boot-Lib");
      if (lib == null) {
        return new URL[] {jar.toUri().toURL()};
      }
      String classes = boot.getManifest().getMainAttributes().getValue("Spring-Boot-Classes");
      List<URL> urls = new ArrayList<>(List.of(scratch.resolve("classes").toUri().toURL()));
      JarEntry index = boot.getJarEntry("BOOT-INF/classpath.idx");
      List<String> order = new ArrayList<>();
      if (index != null) {
        try (InputStream in = boot.getInputStream(index)) {
          for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
            if (line.startsWith("- \"")) {
              order.add(line.substring(3, line.length() - 1));
            }
          }
        }
      }
      for (JarEntry entry : java.util.Collections.list(boot.entries())) {
        String entryName = entry.getName();
        boolean nested = entryName.startsWith(lib) && entryName.endsWith(".jar");
        if (entry.isDirectory() || !(nested || classes != null && entryName.startsWith(classes))) {
          continue;
        }
        Path unpacked = nested ? scratch.resolve("lib").resolve(entryName.substring(lib.length()))
            : scratch.resolve("classes").resolve(entryName.substring(classes.length()));
        Files.createDirectories(unpacked.getParent());
        try (InputStream in = boot.getInputStream(entry)) {
          Files.copy(in, unpacked);
        }
        if (nested && !order.contains(entryName)) {
          order.add(entryName);
        }
      }
      for (String nested : order) {
        urls.add(scratch.resolve("lib").resolve(nested.substring(lib.length())).toUri().toURL());
      }
      return urls.toArray(URL[]::new);
    }
  }

  /** Writes the entry under its file name, or the next free alternative if another entry holds it; that name. */
  private static String write(Path out, WovenEntry weave) throws IOException {
    byte[] entry = weave.bytes();
    String name = WovenEntry.fileName(weave.className(), weave.original());
    for (int alternative = 0; ; alternative++) {
      String file = alternative == 0 ? name : name + "-" + alternative;
      if (!Files.exists(out.resolve(file))) {
        Files.write(out.resolve(file), entry);
        return file;
      }
      if (Arrays.equals(Files.readAllBytes(out.resolve(file)), entry)) {
        return file; // the same weave, from another server with the same release
      }
    }
  }
}
