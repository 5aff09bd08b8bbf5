package dev.mcpratelimit.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class CallerResolverTest {

  private final CallerDirectory callers = new CallerDirectory(List.of(
      new Caller("alice", "premium", ApiKeys.sha256Hex("alice-key")),
      new Caller("local", "basic", null)));

  @Test
  void aKnownKeyNamesItsCallerAndTheConfiguredTier() {
    CallerResolver resolver = new CallerResolver(callers, "free", null);
    assertEquals(new ResolvedCaller("alice", "premium"), resolver.http("alice-key", "10.0.0.1"));
    assertEquals(new ResolvedCaller("alice", "premium"), resolver.http("Bearer alice-key", "10.0.0.1"));
    assertEquals(new ResolvedCaller("alice", "premium"), resolver.http("bearer  alice-key ", "10.0.0.1"));
  }

  @Test
  void aMissingOrUnknownKeyIsAnonymousPerAddressOnTheDefaultTier() {
    CallerResolver resolver = new CallerResolver(callers, "free", null);
    assertEquals(new ResolvedCaller("anon:10.0.0.1", "free"), resolver.http(null, "10.0.0.1"));
    assertEquals(new ResolvedCaller("anon:10.0.0.2", "free"), resolver.http("made-up-key", "10.0.0.2"));
    assertEquals(new ResolvedCaller("anon:10.0.0.2", "free"), resolver.http("Bearer ", "10.0.0.2"));
  }

  @Test
  void theLocalCallerIsTheConfiguredStdioCallerOrTheAnonymousOne() {
    assertEquals(new ResolvedCaller("local", "basic"), new CallerResolver(callers, "free", "local").local());
    assertEquals(new ResolvedCaller("anonymous", "free"), new CallerResolver(callers, "free", null).local());
  }
}
