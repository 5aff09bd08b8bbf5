package dev.mcpratelimit.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.mcpratelimit.identity.ResolvedCaller;
import dev.mcpratelimit.mcp.Rejection;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import javax.management.ObjectName;
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
  void withinACallOnlyTheMethodsOwnBucketsAreCharged() throws Exception {
    TestRuntime test = new TestRuntime(dir, CONFIG);
    ResolvedCaller bob = new ResolvedCaller("bob", "free", true);
    for (int i = 0; i < 3; i++) {
      assertNull(test.runtime.methodCalls().check(TARGET, bob));
    }
    Rejection rejection = test.runtime.methodCalls().check(TARGET, bob);
    assertNotNull(rejection);
    assertEquals("caller-tool", rejection.data().get("scope"));
    // Counted as a method, not as an MCP tool call: the tool call around it is counted already.
    ObjectName usage = new ObjectName("dev.mcpratelimit:type=MethodUsage,tier=free,method=upstream_search");
    assertEquals(List.of(3L, 1L), List.of(test.server.getAttribute(usage, "Allowed"), test.server.getAttribute(usage, "Rejected")));
    assertEquals(Set.of(usage), test.server.queryNames(new ObjectName("dev.mcpratelimit:type=*Usage,*"), null));
    assertEquals(List.of(0L, 0L), List.of(test.operator().getAllowedTotal(), test.operator().getRejectedTotal()),
        "the Limiter's totals are MCP tool calls");
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
