package dev.mcpratelimit.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.mcpratelimit.identity.ResolvedCaller;
import dev.mcpratelimit.mcp.Rejection;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Configured plain methods, driven through a real runtime. */
class MethodGuardTest {

  private static final String TARGET = "com.example.music.CatalogClient#search";
  private static final String CONFIG = """
      method.upstream_search.target=com.example.music.CatalogClient#search
      tool.upstream_search.tier.free.rate=3/min
      """;

  @TempDir
  Path dir;

  @Test
  void withinACallOnlyTheMethodsOwnBucketsAreCharged() {
    TestRuntime test = new TestRuntime(dir, CONFIG);
    ResolvedCaller bob = new ResolvedCaller("bob", "free", true);
    for (int i = 0; i < 3; i++) {
      assertNull(test.runtime.methodCalls().check(TARGET, bob));
    }
    Rejection rejection = test.runtime.methodCalls().check(TARGET, bob);
    assertNotNull(rejection);
    assertEquals("caller-tool", rejection.data().get("scope"));
    assertEquals(1, test.operator().getRejectedTotal(), "counted like any decision");
  }

  @Test
  void outsideAnyCallTheAnonymousCallerPaysLikeAToolCall() {
    TestRuntime test = new TestRuntime(dir, CONFIG.replace("3/min", "30/min"));
    int admitted = 0;
    while (test.runtime.methodCalls().check(TARGET, null) == null) {
      admitted++;
    }
    assertEquals(10, admitted, "free's tier bucket binds first");
  }

  @Test
  void aMethodThatIsNotConfiguredIsNotLimited() {
    TestRuntime test = new TestRuntime(dir, CONFIG);
    for (int i = 0; i < 100; i++) {
      assertNull(test.runtime.methodCalls().check("java.lang.String#length", null));
    }
  }
}
