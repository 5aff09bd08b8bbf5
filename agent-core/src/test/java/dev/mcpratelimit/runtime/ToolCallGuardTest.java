package dev.mcpratelimit.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.mcpratelimit.identity.ApiKeys;
import dev.mcpratelimit.identity.ResolvedCaller;
import dev.mcpratelimit.mcp.HeaderEntries;
import dev.mcpratelimit.mcp.Rejection;
import dev.mcpratelimit.runtime.ToolCallVerdict.Answer;
import dev.mcpratelimit.runtime.ToolCallVerdict.Proceed;
import dev.mcpratelimit.runtime.ToolCallVerdict.Reject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The per-call guard, driven through a real runtime with a fake clock. */
class ToolCallGuardTest {

  private static final String ALICE_KEY = "alice-secret";
  private static final String CONFIG = """
      caller.alice.api-key-sha256=%s
      caller.alice.tier=premium
      caller.local.tier=basic
      stdio.caller=local
      tool.recommend_tracks.cost=5
      """.formatted(ApiKeys.sha256Hex(ALICE_KEY));

  @TempDir
  Path dir;

  private static HttpOrigin anonymous() {
    return new HttpOrigin(null, "203.0.113.9", null);
  }

  private static HttpOrigin alice() {
    return new HttpOrigin(ALICE_KEY, "203.0.113.9", null);
  }

  @Test
  void aStdioCallIsChargedToTheStdioCallerAndGetsNoHeaders() {
    ToolCallGuard guard = new TestRuntime(dir, CONFIG).guard();
    Proceed proceed = assertInstanceOf(Proceed.class, guard.check("get_track", true, null));
    assertEquals(new ResolvedCaller("local", "basic", true), proceed.caller());
    assertEquals(List.of(), HeaderEntries.of(proceed.headers()));
  }

  @Test
  void anHttpCallWithAKnownKeyIsItsCallersAndGetsTheHeadersOfTheBindingBucket() {
    ToolCallGuard guard = new TestRuntime(dir, CONFIG).guard();
    Proceed proceed = assertInstanceOf(Proceed.class, guard.check("get_track", true, alice()));
    assertEquals(new ResolvedCaller("alice", "premium", true), proceed.caller());
    assertEquals(List.of(
        Map.entry("X-RateLimit-Limit", "300"),
        Map.entry("X-RateLimit-Remaining", "299"),
        Map.entry("X-RateLimit-Reset", Long.toString(TestRuntime.EPOCH_MILLIS / 1000 + 1)),
        Map.entry("RateLimit-Policy", "\"premium\";q=300;w=60"),
        Map.entry("RateLimit", "\"premium\";r=299;t=1")), HeaderEntries.of(proceed.headers()));
  }

  @Test
  void pastTheBurstTheCallIsRejectedWithStatusRetryAfterAndTheJsonRpcError() {
    TestRuntime test = new TestRuntime(dir, CONFIG);
    for (int i = 0; i < 10; i++) {
      assertInstanceOf(Proceed.class, test.guard().check("get_track", true, anonymous()));
    }
    Reject reject = assertInstanceOf(Reject.class, test.guard().check("get_track", true, anonymous()));
    assertEquals(429, reject.httpStatus());
    assertEquals(Rejection.CODE, reject.rejection().code());
    assertEquals(Map.of("retryAfterSeconds", 6L, "limit", 10L, "remaining", 0L, "tier", "free", "tool", "get_track",
        "scope", "caller"), reject.rejection().data());
    List<Map.Entry<String, String>> headers = HeaderEntries.of(reject.headers());
    assertEquals(Map.entry("Retry-After", "6"), headers.get(headers.size() - 1));
    assertInstanceOf(Proceed.class, test.guard().check("get_track", true, alice()), "another caller has its own bucket");

    test.advance(Duration.ofSeconds(6));
    assertInstanceOf(Proceed.class, test.guard().check("get_track", true, anonymous()), "one token refilled");
    assertEquals(1, test.operator().getRejectedTotal());
    assertEquals(12, test.operator().getAllowedTotal());
  }

  @Test
  void theConfiguredHeaderSetIsWhatResponsesGetAndAReloadChangesIt() {
    TestRuntime test = new TestRuntime(dir, CONFIG + "headers=ietf\n");
    Proceed proceed = assertInstanceOf(Proceed.class, test.guard().check("get_track", true, alice()));
    assertEquals(List.of(
        Map.entry("RateLimit-Policy", "\"premium\";q=300;w=60"),
        Map.entry("RateLimit", "\"premium\";r=299;t=1")), HeaderEntries.of(proceed.headers()));

    test.rewrite(CONFIG + "headers=none\n");
    for (int i = 0; i < 10; i++) {
      Proceed admitted = assertInstanceOf(Proceed.class, test.guard().check("get_track", true, anonymous()));
      assertEquals(List.of(), HeaderEntries.of(admitted.headers()), "call " + (i + 1));
    }
    Reject reject = assertInstanceOf(Reject.class, test.guard().check("get_track", true, anonymous()));
    assertEquals(429, reject.httpStatus());
    assertEquals(List.of(Map.entry("Retry-After", "6")), HeaderEntries.of(reject.headers()),
        "a rejection tells when to retry whatever the set");
  }

  @Test
  void aRequiredKeyRefusesAnonymousHttpCallsButNotStdio() {
    TestRuntime test = new TestRuntime(dir, CONFIG + "identity.require-key=true\n");
    Reject reject = assertInstanceOf(Reject.class, test.guard().check("get_track", true, anonymous()));
    assertEquals(Rejection.UNAUTHORIZED_CODE, reject.rejection().code());
    assertEquals(401, reject.httpStatus());
    assertEquals(List.of(), HeaderEntries.of(reject.headers()), "not a rate limit: no rate-limit headers");
    assertInstanceOf(Proceed.class, test.guard().check("get_track", true, alice()));
    assertInstanceOf(Proceed.class, test.guard().check("get_track", true, null));

    test.rewrite(CONFIG + "identity.require-key=true\nreject.http-status=200\n");
    assertEquals(200, assertInstanceOf(Reject.class, test.guard().check("get_track", true, anonymous())).httpStatus());
  }

  @Test
  void theStatusToolIsAnsweredWithTheCallersReportAndCostsNoTierTokens() {
    TestRuntime test = new TestRuntime(dir, CONFIG);
    test.guard().check("recommend_tracks", true, alice());
    Answer answer = assertInstanceOf(Answer.class, test.guard().check("rate_limit_status", true, alice()));
    assertEquals("alice", answer.report().structured().get("caller"));
    assertEquals("premium", answer.report().structured().get("tier"));
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> buckets = (List<Map<String, Object>>) answer.report().structured().get("buckets");
    assertEquals(295L, buckets.get(0).get("remaining"), "only recommend_tracks' 5 tokens were taken");
    assertEquals(Map.entry("X-RateLimit-Limit", "10"), HeaderEntries.of(answer.headers()).get(0), "the status tool's own bucket binds");
  }

  @Test
  void shadowModeLetsEveryCallThroughAndCountsWouldBeRejections() {
    TestRuntime test = new TestRuntime(dir, CONFIG + "mode=shadow\n");
    for (int i = 0; i < 15; i++) {
      assertInstanceOf(Proceed.class, test.guard().check("get_track", true, anonymous()));
    }
    assertEquals(5, test.operator().getShadowRejectedTotal());
    assertEquals(0, test.operator().getRejectedTotal());
  }

  @Test
  void withoutAValidConfigurationNothingIsLimited() {
    TestRuntime test = new TestRuntime(dir, "mode=loud\n");
    for (int i = 0; i < 50; i++) {
      assertSame(Proceed.UNLIMITED, test.guard().check("get_track", true, anonymous()));
    }
    assertEquals("none", test.operator().getMode());
  }

  @Test
  void withoutAValidConfigurationTheStatusToolStillAnswers() {
    ToolCallGuard guard = new TestRuntime(dir, "mode=loud\n").guard();
    Answer answer = assertInstanceOf(Answer.class, guard.check("rate_limit_status", true, anonymous()));
    assertEquals(false, answer.report().structured().get("limitsInForce"));
    assertEquals(List.of(), HeaderEntries.of(answer.headers()));
  }

  @Test
  void aToolTheServerDoesNotHaveIsChargedToTheTierBucketUnderOneLabel() {
    TestRuntime test = new TestRuntime(dir, CONFIG);
    String invented = "x".repeat(1 << 20);
    for (int i = 0; i < 5; i++) {
      assertInstanceOf(Proceed.class, test.guard().check(invented + i, false, anonymous()));
    }
    for (int i = 0; i < 5; i++) {
      assertInstanceOf(Proceed.class, test.guard().check("get_track", true, anonymous()));
    }
    Reject reject = assertInstanceOf(Reject.class, test.guard().check(invented, false, anonymous()));
    assertEquals(ToolCallGuard.UNKNOWN_TOOL, reject.rejection().data().get("tool"), "the name is never echoed");
    assertEquals(true, reject.rejection().message().length() < 200);
    assertEquals(Reject.class, test.guard().check("y".repeat(129), true, anonymous()).getClass(),
        "a name longer than MCP allows is unknown whatever the server says");
  }

  @Test
  void aCallWithoutAToolNameIsChargedAsAnUnknownTool() {
    ToolCallGuard guard = new TestRuntime(dir, CONFIG).guard();
    for (int i = 0; i < 10; i++) {
      assertInstanceOf(Proceed.class, guard.check(null, false, anonymous()), "the SDK answers it");
    }
    Reject reject = assertInstanceOf(Reject.class, guard.check(null, false, anonymous()));
    assertEquals(ToolCallGuard.UNKNOWN_TOOL, reject.rejection().data().get("tool"));
  }

  @Test
  void anInternalErrorLetsTheCallThroughAndIsCounted() {
    TestRuntime test = new TestRuntime(dir, CONFIG);
    InternalErrors errors = new InternalErrors();
    LivePolicy policy = new LivePolicy(new dev.mcpratelimit.store.InMemoryBucketStore(test.clock, 100), test.clock);
    policy.apply(dev.mcpratelimit.config.AgentConfig.defaults());
    ToolCallGuard failing = new ToolCallGuard(policy, decision -> {
      throw new IllegalStateException("observer broke");
    }, errors, test.clock, test.epochMillis::get);
    assertSame(Proceed.UNLIMITED, failing.check("get_track", true, anonymous()));
    assertEquals(1, errors.count());
  }

  @Test
  void aServersOwnStatusToolIsLimitedLikeAnyOtherTool() {
    ToolCallGuard guard = new TestRuntime(dir, CONFIG).guard();
    guard.serverHasOwnStatusTool();
    Proceed proceed = assertInstanceOf(Proceed.class, guard.check("rate_limit_status", true, alice()));
    assertEquals(Map.entry("X-RateLimit-Limit", "10"), HeaderEntries.of(proceed.headers()).get(0),
        "the status tool's own limit still applies to a tool of that name");
  }

  @Test
  void aToolTheTierMayNotCallIsUnavailableWith403AndChargesNothing() {
    TestRuntime test = new TestRuntime(dir, CONFIG + "tool.search_tracks.tier.free.allowed=false\n"
        + "tool.search_tracks.tier.basic.allowed=false\ntool.expensive.cost=20\n");
    for (String tool : List.of("search_tracks", "expensive")) {
      Reject reject = assertInstanceOf(Reject.class, test.guard().check(tool, true, anonymous()));
      assertEquals(Rejection.UNAVAILABLE_CODE, reject.rejection().code());
      assertEquals(403, reject.httpStatus());
      assertEquals(List.of(), HeaderEntries.of(reject.headers()), "no Retry-After: waiting will not help");
      assertEquals(java.util.Set.of("tool", "tier", "reason"), reject.rejection().data().keySet());
      assertEquals(true, reject.rejection().message().startsWith("Tool " + tool + " is not available on tier free"));
    }
    assertEquals(Rejection.UNAVAILABLE_CODE, assertInstanceOf(Reject.class,
        test.guard().check("search_tracks", true, null)).rejection().code(), "over stdio (basic) the same error");
    for (int i = 0; i < 10; i++) {
      assertInstanceOf(Proceed.class, test.guard().check("get_track", true, anonymous()), "nothing was charged");
    }
    assertInstanceOf(Proceed.class, test.guard().check("search_tracks", true, alice()), "premium may call it");
  }

  @Test
  void inShadowModeAnUnavailableToolIsLetThroughWithoutHeadersAndCounted() {
    TestRuntime test = new TestRuntime(dir, CONFIG + "mode=shadow\ntool.search_tracks.tier.free.allowed=false\n");
    Proceed proceed = assertInstanceOf(Proceed.class, test.guard().check("search_tracks", true, anonymous()));
    assertEquals(List.of(), HeaderEntries.of(proceed.headers()));
    assertEquals(1, test.operator().getShadowRejectedTotal());
  }
}
