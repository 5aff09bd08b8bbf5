package dev.mcpratelimit.instrument;

import dev.mcpratelimit.runtime.AgentLog;
import java.io.IOException;
import java.io.InputStream;
import java.util.Collection;

/**
 * Weaves the agent jar ships: the classes of every SDK release the agent is tested with, woven when
 * the jar was built, by the same build of the agent ({@code ShippedWeavesBuild}), each with what it
 * read there. A host whose SDK, as the jar ships it, loads the same class files and reads the same
 * everywhere the weave read (the SDK's own dependencies, at the versions its release names) is served
 * these on its very first start, and the agent builds no Byte Buddy at all. Anything else misses, and
 * is woven as ever.
 *
 * <p>A file name may hold several entries ({@code name}, {@code name-1}, ...): one class file read
 * differently by two releases' servers (another Reactor, say).
 */
final class ShippedWeaves {

  static final String FOLDER = "META-INF/mcp-ratelimit/woven/";
  /** {@code off}: never served (to tell, should a host misbehave, whether a shipped weave is why). */
  static final String PROPERTY = "mcp.ratelimit.shipped-weaves";

  private final ClassLoader agentLoader;

  ShippedWeaves(ClassLoader agentLoader) {
    this.agentLoader = agentLoader;
  }

  /** The jar's shipped weaves, or {@code null} if they are switched off. */
  static ShippedWeaves of(ClassLoader agentLoader) {
    return "off".equals(System.getProperty(PROPERTY)) ? null : new ShippedWeaves(agentLoader);
  }

  /** The shipped weave of this class file that holds in {@code loader}, or {@code null}. */
  WovenEntry.Woven find(String className, byte[] original, ClassLoader loader) {
    String name = FOLDER + WovenEntry.fileName(className, original);
    for (int alternative = 0; ; alternative++) {
      try (InputStream in = agentLoader.getResourceAsStream(alternative == 0 ? name : name + "-" + alternative)) {
        if (in == null) {
          return null;
        }
        WovenEntry entry = WovenEntry.parse(in.readNBytes(WovenEntry.MAX_BYTES + 1));
        WovenEntry.Woven woven = entry == null ? null : entry.servedFor(className, original, loader);
        if (woven != null) {
          return woven;
        }
      } catch (IOException | RuntimeException e) {
        AgentLog.fine("shipped weave " + name + " not used: " + e);
        return null;
      }
    }
  }

  /**
   * Whether {@code loader} has at least one of {@code classNames} (internal names) and this jar
   * serves every one it has: then the instrumentation need not be built unless a class misses.
   * Reads those class files once more (the JVM reads them again when it loads them).
   */
  boolean serveAll(Collection<String> classNames, ClassLoader loader) {
    boolean any = false;
    for (String className : classNames) {
      try (InputStream in = loader.getResourceAsStream(className + ".class")) {
        if (in == null) {
          continue;
        }
        if (find(className, in.readAllBytes(), loader) == null) {
          return false;
        }
        any = true;
      } catch (IOException e) {
        return false;
      }
    }
    return any;
  }
}
