package dev.mcpratelimit.instrument;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.IllegalClassFormatException;
import java.security.ProtectionDomain;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Hands Byte Buddy's transformer only the classes it may change, by exact name. Otherwise Byte
 * Buddy describes every class the host loads (thousands at start) and runs each point's matchers
 * on it, and each module's fit (its landmarks and the muzzle check) is decided for a loader at
 * its first class load, target or not: here only when a class a module changes arrives.
 */
final class NamedTypes implements ClassFileTransformer {

  private final Set<String> internalNames;
  private final ClassFileTransformer transformer;

  /** @param binaryNames every class {@code transformer} may change */
  NamedTypes(Set<String> binaryNames, ClassFileTransformer transformer) {
    this.internalNames = binaryNames.stream().map(name -> name.replace('.', '/')).collect(Collectors.toUnmodifiableSet());
    this.transformer = transformer;
  }

  @Override
  public byte[] transform(Module module, ClassLoader loader, String className, Class<?> redefined,
      ProtectionDomain domain, byte[] bytes) throws IllegalClassFormatException {
    return className != null && internalNames.contains(className)
        ? transformer.transform(module, loader, className, redefined, domain, bytes) : null;
  }

  @Override
  public byte[] transform(ClassLoader loader, String className, Class<?> redefined, ProtectionDomain domain,
      byte[] bytes) throws IllegalClassFormatException {
    return className != null && internalNames.contains(className)
        ? transformer.transform(loader, className, redefined, domain, bytes) : null;
  }
}
