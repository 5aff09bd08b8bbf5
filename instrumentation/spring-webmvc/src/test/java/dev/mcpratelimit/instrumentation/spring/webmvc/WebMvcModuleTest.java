package dev.mcpratelimit.instrumentation.spring.webmvc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mcpratelimit.instrument.ModuleConformance;
import org.junit.jupiter.api.Test;

class WebMvcModuleTest {

  @Test
  void fitsTheWebMvcTransportsOfMcpSpringWebmvc0113WithEveryShapeOnce() throws Exception {
    assertEquals(3, ModuleConformance.assertFitsItsOwnVersion(new WebMvcModule()).size(), "all three transports checked");
  }
}
