package dev.mcpratelimit.it.servers;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarFile;

/**
 * A host that loads its MCP server from a class loader of its own, as Spring Boot's launcher or a
 * plugin system does: the jar named first, in a loader whose parent is the JVM's application class
 * loader ({@code system}) or the platform loader ({@code platform}: the agent's classes are out of
 * its sight), its main class run with the rest of the arguments; the JVM exits once that returns.
 * Only JDK classes on its own class path.
 */
public final class ChildLoaderHost {

  private ChildLoaderHost() {}

  public static void main(String[] args) throws Exception {
    Path jar = Path.of(args[0]);
    ClassLoader parent = args[1].equals("platform") ? ClassLoader.getPlatformClassLoader()
        : ClassLoader.getSystemClassLoader();
    String main;
    try (JarFile server = new JarFile(jar.toFile())) {
      main = server.getManifest().getMainAttributes().getValue(Attributes.Name.MAIN_CLASS);
    }
    String[] rest = java.util.Arrays.copyOfRange(args, 2, args.length);
    try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, parent)) {
      Thread.currentThread().setContextClassLoader(loader);
      loader.loadClass(main).getMethod("main", String[].class).invoke(null, (Object) rest);
    }
    System.exit(0); // the server's main returned (its stdin ended): its executors' threads would keep the JVM up
  }
}
