package dev.mcpratelimit.instrumentation.webflux;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mcpratelimit.instrument.ModuleConformance;
import org.junit.jupiter.api.Test;

class WebFluxModuleTest {

  @Test
  void fitsTheWebFluxTransportOfMcpSpringWebflux0100WithEveryShapeOnce() throws Exception {
    // 0.10 has the SSE transport only, and McpSchema's parser.
    assertEquals(2, ModuleConformance.assertFitsItsOwnVersion(new WebFluxModule()).size());
  }
}
