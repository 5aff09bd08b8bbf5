package dev.mcpratelimit.instrument;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.ClassFileTransformer;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Run by the agent's own build, from the packaged jar, never by a host: weaves every class the
 * modules target in each given server jar as a host's start would, and writes what it would keep
 * into a folder the build adds to the jar as its {@link ShippedWeaves}. Each class is woven in a
 * class loader of its own, so that each entry carries every line its weave says (a module's fit is
 * decided, and said, once per loader). A weave that goes wrong fails the build.
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
    for (String server : Arrays.copyOfRange(args, 1, args.length)) {
      Path jar = Path.of(server);
      if (!Files.isRegularFile(jar)) {
        throw new IOException(jar + " is not there: build the servers first");
      }
      List<String> woven = new ArrayList<>();
      ClassFileTransformer built = new Instrumenter(null, agentLoader).build();
      for (String className : classes) {
        String name = className.replace('/', '.');
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, agentLoader)) {
          byte[] original;
          try (InputStream in = loader.getResourceAsStream(className + ".class")) {
            if (in == null) {
              continue;
            }
            original = in.readAllBytes();
          }
          WovenEntry weave = WovenEntry.weave(built, loader.getUnnamedModule(), loader, className, null, original, true);
          if (weave.failed()) {
            throw new IllegalStateException("weaving " + name + " of " + jar + " went wrong: " + weave.lines());
          }
          written.put(write(out, weave), weave);
          woven.add(name.substring(name.lastIndexOf('.') + 1) + (weave.woven() == null ? " (left as it is)" : ""));
        }
      }
      System.out.println(jar.getFileName() + ": " + String.join(", ", woven));
    }
    Files.write(out.resolve("index"), ShippedWeaves.index(written));
    System.out.println(written.size() + " shipped weaves in " + out);
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
