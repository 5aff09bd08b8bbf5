package dev.mcpratelimit.instrument;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class WeavingWarmUpTest {

  @Test
  void theDispatchAdviceWeavesIntoTheWarmUpClass() {
    assertTrue(WeavingWarmUp.run(WeavingWarmUpTest.class.getClassLoader()),
        "a warm-up that fails leaves the cold start to the host's first target class");
  }
}
