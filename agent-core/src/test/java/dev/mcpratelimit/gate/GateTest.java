package dev.mcpratelimit.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.mcpratelimit.mcp.Rejection;
import dev.mcpratelimit.runtime.CallContext;
import dev.mcpratelimit.runtime.HttpOrigin;
import dev.mcpratelimit.runtime.RateLimitExceededException;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GateTest {

  record CallToolRequest(String name, Map<String, Object> arguments) {}

  @Test
  void findsTheToolNameInAMapOrARecord() throws Exception {
    assertEquals("get_track", Gate.toolName(Map.of("name", "get_track", "arguments", Map.of())));
    assertEquals("get_track", Gate.toolName(new CallToolRequest("get_track", Map.of())));
    assertNull(Gate.toolName(Map.of("arguments", Map.of())));
    assertNull(Gate.toolName("not params"));
    assertNull(Gate.toolName(null));
  }

  @Test
  void findsALimitedMethodsRejectionAmongTheCauses() {
    Rejection rejection = new Rejection(Rejection.CODE, "Rate limit exceeded", Map.of());
    RuntimeException wrapped = new RuntimeException(new IllegalStateException(new RateLimitExceededException(rejection)));
    assertSame(rejection, Gate.rejectionOf(wrapped));
    assertNull(Gate.rejectionOf(new RuntimeException("other")));
    assertNull(Gate.rejectionOf(null));
  }

  @Test
  void everyForwardedForLineCountsInOrder() {
    assertEquals("203.0.113.9,10.0.0.2", Gate.joined(Collections.enumeration(List.of("203.0.113.9", "10.0.0.2"))));
    assertNull(Gate.joined(Collections.emptyEnumeration()));
    assertNull(Gate.joined(null));
  }

  public record Tool(String name) {}

  public record ToolSpecification(Tool tool) {}

  @Test
  void findsAToolByNameInTheServersSpecifications() throws Throwable {
    List<ToolSpecification> tools = List.of(new ToolSpecification(new Tool("get_track")),
        new ToolSpecification(new Tool("search_tracks")));
    assertEquals(true, ServerTools.contains(tools, "search_tracks"));
    assertEquals(false, ServerTools.contains(tools, "invented"));
    assertEquals(false, ServerTools.contains(List.of(), "get_track"));
  }

  @Test
  void aToolAddedOrRemovedAtRunTimeIsSeenAtOnce() throws Throwable {
    List<ToolSpecification> tools = new java.util.concurrent.CopyOnWriteArrayList<>(
        List.of(new ToolSpecification(new Tool("get_track"))));
    assertEquals(false, ServerTools.contains(tools, "added_later"));
    tools.add(new ToolSpecification(new Tool("added_later")));
    assertEquals(true, ServerTools.contains(tools, "added_later"));
    tools.remove(0);
    assertEquals(false, ServerTools.contains(tools, "get_track"));
    tools.set(0, new ToolSpecification(new Tool("replaced")));
    assertEquals(false, ServerTools.contains(tools, "added_later"));
    assertEquals(true, ServerTools.contains(tools, "replaced"));
    List<ToolSpecification> otherServer = List.of(new ToolSpecification(new Tool("get_track")));
    assertEquals(true, ServerTools.contains(otherServer, "get_track"));
    assertEquals(false, ServerTools.contains(tools, "get_track"));
  }

  @Test
  void withoutARunningAgentEverythingPasses() {
    assertNull(Gate.beforeToolCall(Map.of("name", "get_track"), List.of(), null, null, null));
    Gate.beforeLimitedMethod("java.lang.String#length");
  }

  @Test
  void aBodyMapperRunsWithTheHandlersRequestBoundAndLeavesNothingBehind() throws Exception {
    assertSame(NO_HTTP_MAPPER, Gate.bindingHttp(NO_HTTP_MAPPER), "no request bound: the mapper itself");
    Gate.httpRequestStarted("alice-key", "10.0.0.1", null, "alice's response");
    java.util.function.Function<Object, Object> bound;
    try {
      bound = Gate.bindingHttp(body -> CallContext.http());
    } finally {
      Gate.httpRequestEnded();
    }
    Object seen = java.util.concurrent.CompletableFuture.supplyAsync(() -> bound.apply("{}")).get();
    assertEquals(new CallContext.Http(new HttpOrigin("alice-key", "10.0.0.1", null), "alice's response"), seen);
    assertEquals(seen, bound.apply("{}"));
    assertNull(CallContext.http(), "unbound after the mapper");
  }

  private static final java.util.function.Function<Object, Object> NO_HTTP_MAPPER = body -> body;

  @Test
  void aSocketAddressGivesItsIpLiteralAsThePeer() {
    assertEquals("127.0.0.1", Gate.peerOf(new java.net.InetSocketAddress("127.0.0.1", 8080)));
    assertEquals("0:0:0:0:0:0:0:1", Gate.peerOf(new java.net.InetSocketAddress("::1", 8080)));
    assertEquals("proxy.example", Gate.peerOf(java.net.InetSocketAddress.createUnresolved("proxy.example", 80)));
    assertEquals(null, Gate.peerOf(null));
  }
}
