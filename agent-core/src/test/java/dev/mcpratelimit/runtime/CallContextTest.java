package dev.mcpratelimit.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.mcpratelimit.identity.ResolvedCaller;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class CallContextTest {

  record Request(String name) {}

  @Test
  void aCallerBoundOnTheDispatchThreadIsCurrentOnTheWorkerThatRunsTheRequest() throws Exception {
    ResolvedCaller alice = new ResolvedCaller("alice", "premium", true);
    ResolvedCaller bob = new ResolvedCaller("bob", "free", true);
    Request aliceRequest = new Request("get_track");
    Request bobRequest = new Request("get_track"); // equal, but not the same object

    CallContext.dispatchStarted(alice);
    CallContext.bind(aliceRequest);
    CallContext.dispatchEnded();
    CallContext.dispatchStarted(bob);
    CallContext.bind(bobRequest);
    CallContext.dispatchEnded();

    assertEquals(bob, CompletableFuture.supplyAsync(() -> currentWhileRunning(bobRequest)).get());
    assertEquals(alice, CompletableFuture.supplyAsync(() -> currentWhileRunning(aliceRequest)).get());
    assertNull(CallContext.currentCaller(), "nothing leaks onto this thread");
  }

  private static ResolvedCaller currentWhileRunning(Object request) {
    CallContext.toolStarted(request);
    try {
      return CallContext.currentCaller();
    } finally {
      CallContext.toolEnded();
    }
  }

  @Test
  void aToolCallParsedWhileAnHttpRequestIsBoundFindsItsRequestOnAnyThreadOnce() throws Exception {
    CallContext.Http alice = new CallContext.Http(new HttpOrigin("alice-key", "10.0.0.1", null), "alice's response");
    Map<String, Object> params = new HashMap<>(Map.of("name", "echo"));
    Map<String, Object> equalParams = new HashMap<>(Map.of("name", "echo")); // equal, not the same object
    CallContext.Http before = CallContext.bindHttp(alice);
    CallContext.parsed(params);
    CallContext.bindHttp(before);
    assertNull(CallContext.http(), "unbound once the parsing ends");
    CallContext.parsed(equalParams); // nothing bound: tied to nothing

    assertNull(CompletableFuture.supplyAsync(() -> CallContext.httpFor(equalParams)).get());
    assertEquals(alice, CompletableFuture.supplyAsync(() -> CallContext.httpFor(params)).get());
    assertNull(CallContext.httpFor(params), "taken once");
  }

  @Test
  void theRequestThisThreadServesComesFirst() {
    CallContext.Http bound = new CallContext.Http(new HttpOrigin(null, "10.0.0.2", null), "response");
    CallContext.Http before = CallContext.bindHttp(bound);
    try {
      assertEquals(bound, CallContext.httpFor(new Object()));
      assertEquals(bound, CallContext.httpFor(null));
    } finally {
      CallContext.bindHttp(before);
    }
    assertNull(CallContext.httpFor(null));
  }
}
