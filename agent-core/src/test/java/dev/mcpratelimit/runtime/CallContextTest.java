package dev.mcpratelimit.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.mcpratelimit.identity.ResolvedCaller;
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
}
