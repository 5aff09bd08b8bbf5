package dev.mcpratelimit.instrument;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.mcpratelimit.config.MethodTarget;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.bytebuddy.agent.builder.AgentBuilder;
import org.junit.jupiter.api.Test;

class MethodInstrumentationTest {

  private final MethodInstrumentation methods = new MethodInstrumentation(null, AgentBuilder.Default::new,
      MethodInstrumentationTest.class.getClassLoader());

  @Test
  void aMethodIsWovenOnceWhateverItsLimitIsCalled() {
    MethodTarget search = new MethodTarget("upstream_search", "com.example.music.CatalogClient", "search");
    MethodTarget renamed = new MethodTarget("catalog_search", "com.example.music.CatalogClient", "search");
    Set<String> types = new HashSet<>();
    assertNotNull(methods.extend(new AgentBuilder.Default(), List.of(search), types));
    assertEquals(Set.of("com.example.music.CatalogClient"), types, "the class it changes, for the name filter");
    assertNull(methods.extend(new AgentBuilder.Default(), List.of(search), new HashSet<>()), "already woven");
    assertNull(methods.extend(new AgentBuilder.Default(), List.of(renamed), new HashSet<>()),
        "a reload that renames the limit must not weave a second advice (every call would be charged twice)");
    assertNull(methods.extend(new AgentBuilder.Default(), List.of(renamed, renamed), new HashSet<>()));
  }
}
