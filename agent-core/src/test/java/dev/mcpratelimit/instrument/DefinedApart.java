package dev.mcpratelimit.instrument;

/** A class defined from given bytes in a loader of its own, apart from the test's copy of it; the rest from {@code parent}. */
final class DefinedApart {

  private DefinedApart() {}

  static Class<?> define(ClassLoader parent, String binaryName, byte[] classFile) throws ClassNotFoundException {
    ClassLoader apart = new ClassLoader(parent) {
      @Override
      protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (name.equals(binaryName)) {
          synchronized (getClassLoadingLock(name)) {
            Class<?> defined = findLoadedClass(name);
            return defined != null ? defined : defineClass(name, classFile, 0, classFile.length);
          }
        }
        return super.loadClass(name, resolve);
      }
    };
    return apart.loadClass(binaryName);
  }
}
