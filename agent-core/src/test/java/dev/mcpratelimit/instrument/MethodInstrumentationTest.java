package dev.mcpratelimit.instrument;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcpratelimit.config.MethodTarget;
import dev.mcpratelimit.runtime.LoggedLines;
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

    interface Source {
      Object tracks();
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

  @Test
  void aMethodWithoutABodyInItsClassIsSaidOnceAndNothingIsWoven() throws IOException {
    Weaver weaver = new Weaver();
    methods.extend(weaver, List.of(new MethodTarget("gone", CATALOG, "recommend"),
        new MethodTarget("abstract", Catalog.Source.class.getName(), "tracks")));
    try (LoggedLines logged = LoggedLines.listen()) {
      byte[] woven = weaver.weave(loader, CATALOG, classFile());
      assertFalse(new String(woven, StandardCharsets.ISO_8859_1).contains("beforeLimitedMethod"));
      String source = Catalog.Source.class.getName();
      weaver.weave(loader, source, classFile(source));
      assertEquals(List.of(
          "method.gone.target: " + CATALOG + " declares no method recommend with a body"
              + " (it is abstract, native, inherited or missing): nothing is limited",
          "method.abstract.target: " + source + " declares no method tracks with a body"
              + " (it is abstract, native, inherited or missing): nothing is limited"), logged.messages());
    }
  }

  private byte[] classFile() throws IOException {
    return classFile(CATALOG);
  }

  private byte[] classFile(String binaryName) throws IOException {
    try (InputStream in = loader.getResourceAsStream(binaryName.replace('.', '/') + ".class")) {
      return in.readAllBytes();
    }
  }
}
