package dev.mcpratelimit.instrument;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcpratelimit.config.MethodTarget;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class MethodInstrumentationTest {

  /** Stands for a host's class with a configured method. */
  static class Catalog {
    Object search(Object query) {
      return query;
    }
  }

  private static final String CATALOG = Catalog.class.getName();
  private final ClassLoader loader = MethodInstrumentationTest.class.getClassLoader();
  private final MethodInstrumentation methods = new MethodInstrumentation(null, loader);

  @Test
  void aMethodIsWovenOnceWhateverItsLimitIsCalled() throws IOException {
    MethodTarget search = new MethodTarget("upstream_search", CATALOG, "search");
    MethodTarget renamed = new MethodTarget("catalog_search", CATALOG, "search");
    Weaver weaver = new Weaver();
    assertTrue(methods.extend(weaver, List.of(search)));
    byte[] woven = weaver.weave(loader, CATALOG, classFile());
    assertNotNull(woven);
    assertTrue(new String(woven, StandardCharsets.ISO_8859_1).contains("beforeLimitedMethod"),
        "the target's method calls the gate");
    assertNull(weaver.weave(loader, MethodInstrumentationTest.class.getName(), classFile()), "no other class is");
    assertFalse(methods.extend(new Weaver(), List.of(search)), "already woven");
    assertFalse(methods.extend(new Weaver(), List.of(renamed)),
        "a reload that renames the limit must not weave a second advice (every call would be charged twice)");
    assertFalse(methods.extend(new Weaver(), List.of(renamed, renamed)));
  }

  private byte[] classFile() throws IOException {
    try (InputStream in = loader.getResourceAsStream(CATALOG.replace('.', '/') + ".class")) {
      return in.readAllBytes();
    }
  }
}
