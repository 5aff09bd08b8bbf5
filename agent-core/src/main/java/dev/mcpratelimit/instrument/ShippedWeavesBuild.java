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
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Run by the agent's own build, from the packaged jar, never by a host: weaves every class the
 * modules target in each given server jar as a host's start would, and writes what it would keep
 * into a folder the build adds to the jar as its {@link ShippedWeaves}. Each class is woven in a
 * class loader of its own, so that each entry carries every line its weave says (a module's fit is
 * decided, and said, once per loader). A weave that goes wrong is not shipped, as a start would not
 * keep it (a servlet transport of the SDK in a server without the Servlet API, say); the index
 * keeps what it read ({@link ShippedWeaves#UNWOVEN}).
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
    Path scratch = Files.createTempDirectory("shipped-weaves"); // Spring Boot jars' nested jars, unpacked
    try {
      for (String server : Arrays.copyOfRange(args, 1, args.length)) {
        Path jar = Path.of(server);
        weave(jar, classes, new Instrumenter(null, agentLoader).build(), agentLoader,
            scratch.resolve(jar.getFileName().toString()), out, written);
      }
    } finally {
      delete(scratch);
    }
    Files.write(out.resolve("index"), ShippedWeaves.index(written));
    System.out.println(written.size() + " shipped weaves in " + out);
  }

  /** Weaves the target classes of one server, each entry written into {@code out} and noted in {@code written}. */
  private static void weave(Path jar, List<String> classes, ClassFileTransformer built, ClassLoader agentLoader,
      Path scratch, Path out, Map<String, WovenEntry> written) throws Exception {
    if (!Files.isRegularFile(jar)) {
      throw new IOException(jar + " is not there: build the servers first");
    }
    List<String> woven = new ArrayList<>();
    URL[] classPath = classPath(jar, scratch);
    for (String className : classes) {
      String simple = className.substring(className.lastIndexOf('/') + 1);
      try (URLClassLoader loader = new URLClassLoader(classPath, agentLoader)) {
        byte[] original;
        try (InputStream in = loader.getResourceAsStream(className + ".class")) {
          if (in == null) {
            continue;
          }
          original = in.readAllBytes();
        }
        WovenEntry weave = WovenEntry.weave(built, loader.getUnnamedModule(), loader, className, null, original, true);
        if (weave.failed()) { // as at a host's start, where it would not be kept either: only what it read
          written.put(alternative(WovenEntry.fileName(className, original) + ShippedWeaves.UNWOVEN, weave, written), weave);
          woven.add(simple + " (not shipped: " + String.join("; ", weave.lines()) + ")");
          continue;
        }
        written.put(write(out, weave), weave);
        woven.add(simple + (weave.woven() == null ? " (left as it is)" : ""));
      }
    }
    System.out.println(jar.getFileName() + ": " + String.join(", ", woven));
  }

  /**
   * What the server's classes load from: the jar, or for a Spring Boot executable jar what its
   * launcher's class loader reads (the classes, the nested jars its index does not name, then those
   * it names in its order), unpacked into {@code scratch}.
   */
  private static URL[] classPath(Path jar, Path scratch) throws IOException {
    try (JarFile boot = new JarFile(jar.toFile())) {
      Attributes manifest = boot.getManifest() == null ? new Attributes() : boot.getManifest().getMainAttributes();
      String lib = manifest.getValue("Spring-Boot-Lib");
      if (lib == null) {
        return new URL[] {jar.toUri().toURL()};
      }
      String classes = manifest.getValue("Spring-Boot-Classes");
      List<String> indexed = new ArrayList<>();
      String indexName = manifest.getValue("Spring-Boot-Classpath-Index");
      JarEntry index = indexName == null ? null : boot.getJarEntry(indexName);
      if (index != null) {
        try (InputStream in = boot.getInputStream(index)) {
          for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
            if (line.startsWith("- \"")) {
              indexed.add(line.substring(3, line.length() - 1));
            }
          }
        }
      }
      List<String> unindexed = new ArrayList<>();
      for (JarEntry entry : Collections.list(boot.entries())) {
        String name = entry.getName();
        boolean nested = name.startsWith(lib) && name.endsWith(".jar");
        if (entry.isDirectory() || !(nested || classes != null && name.startsWith(classes))) {
          continue;
        }
        Path unpacked = nested ? scratch.resolve("lib").resolve(name.substring(lib.length()))
            : scratch.resolve("classes").resolve(name.substring(classes.length()));
        Files.createDirectories(unpacked.getParent());
        try (InputStream in = boot.getInputStream(entry)) {
          Files.copy(in, unpacked);
        }
        if (nested && !indexed.contains(name)) {
          unindexed.add(name);
        }
      }
      List<URL> urls = new ArrayList<>(List.of(scratch.resolve("classes").toUri().toURL()));
      for (String nested : Stream.concat(unindexed.stream(), indexed.stream()).toList()) {
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

  /** {@code name}, or its first alternative that is free or holds the same reads. */
  private static String alternative(String name, WovenEntry weave, Map<String, WovenEntry> written) {
    for (int alternative = 0; ; alternative++) {
      String key = alternative == 0 ? name : name + "-" + alternative;
      WovenEntry there = written.get(key);
      if (there == null || there.reads().equals(weave.reads())) {
        return key;
      }
    }
  }

  private static void delete(Path folder) throws IOException {
    try (Stream<Path> files = Files.walk(folder)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(file);
      }
    }
  }
}
