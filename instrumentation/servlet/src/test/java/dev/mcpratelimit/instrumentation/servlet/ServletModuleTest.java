package dev.mcpratelimit.instrumentation.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mcpratelimit.instrument.ModuleConformance;
import org.junit.jupiter.api.Test;

class ServletModuleTest {

  @Test
  void fitsTheServletTransportsOfSdk0111WithEveryShapeOnce() throws Exception {
    assertEquals(3, ModuleConformance.assertFitsItsOwnVersion(new ServletModule()).size(), "all three transports checked");
  }
}
