package dev.mcpratelimit.instrument;

import java.io.IOException;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.dynamic.ClassFileLocator;

/**
 * Reads class files through a class loader as Byte Buddy's own locator does, and records each
 * read as one of the weave's inputs ({@link WeaveInputs}): the type pool that describes a target's
 * hierarchy, the advice's own pool (whose loader, the agent's, is the host's own for a server on
 * the class path) and the muzzle check all read through it.
 */
final class RecordedLocator implements ClassFileLocator {

  /** For the agent builder and the advice transformers: every type description they read is recorded. */
  static final AgentBuilder.LocationStrategy LOCATIONS = (loader, module) -> of(loader);

  private final ClassFileLocator delegate;

  private RecordedLocator(ClassFileLocator delegate) {
    this.delegate = delegate;
  }

  static ClassFileLocator of(ClassLoader loader) {
    return new RecordedLocator(ClassFileLocator.ForClassLoader.of(loader));
  }

  @Override
  public Resolution locate(String name) throws IOException {
    Resolution resolution;
    try {
      resolution = delegate.locate(name);
    } catch (IOException | RuntimeException e) {
      WeaveInputs.failed(); // a read that failed now may not fail next time: nothing to keep
      throw e;
    }
    WeaveInputs.read(name.replace('.', '/') + ".class", resolution.isResolved() ? resolution.resolve() : null);
    return resolution;
  }

  @Override
  public void close() throws IOException {
    delegate.close();
  }
}
