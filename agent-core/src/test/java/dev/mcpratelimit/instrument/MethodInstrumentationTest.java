package dev.mcpratelimit.instrument;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.mcpratelimit.config.MethodTarget;
import java.util.List;
import net.bytebuddy.agent.builder.AgentBuilder;
import org.junit.jupiter.api.Test;

class MethodInstrumentationTest {

  private final MethodInstrumentation methods = new MethodInstrumentation(null, AgentBuilder.Default::new,
      MethodInstrumentationTest.class.getClassLoader());

  @Test
  void aMethodIsWovenOnceWhateverItsLimitIsCalled() {
    MethodTarget search = new MethodTarget("upstream_search", "com.example.music.CatalogClient", "search");
    MethodTarget renamed = new MethodTarget("catalog_search", "com.example.music.CatalogClient", "search");
    assertNotNull(methods.extend(new AgentBuilder.Default(), List.of(search)));
    assertNull(methods.extend(new AgentBuilder.Default(), List.of(search)), "already woven");
    assertNull(methods.extend(new AgentBuilder.Default(), List.of(renamed)),
        "a reload that renames the limit must not weave a second advice (every call would be charged twice)");
    assertNull(methods.extend(new AgentBuilder.Default(), List.of(renamed, renamed)));
  }
}
