package dev.mcpratelimit.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class CallerResolverTest {

  private final List<Caller> callers = List.of(
      new Caller("alice", "premium", ApiKeys.sha256Hex("alice-key")),
      new Caller("local", "basic", null));

  private CallerResolver resolver(String stdioCaller, String trustedProxies) {
    return new CallerResolver(new IdentitySettings(callers, "free", stdioCaller, IdentitySettings.DEFAULT_HEADER,
        false, TrustedProxies.parse(trustedProxies)));
  }

  @Test
  void aKnownKeyNamesItsCallerAndTheConfiguredTier() {
    CallerResolver resolver = resolver(null, "");
    assertEquals(new ResolvedCaller("alice", "premium", true), resolver.http("alice-key", "10.0.0.1", null));
    assertEquals(new ResolvedCaller("alice", "premium", true), resolver.http("Bearer alice-key", "10.0.0.1", null));
    assertEquals(new ResolvedCaller("alice", "premium", true), resolver.http("bearer  alice-key ", "10.0.0.1", null));
  }

  @Test
  void aMissingOrUnknownKeyIsAnonymousPerAddressOnTheDefaultTier() {
    CallerResolver resolver = resolver(null, "");
    assertEquals(new ResolvedCaller("anon:10.0.0.1", "free", false), resolver.http(null, "10.0.0.1", null));
    assertEquals(new ResolvedCaller("anon:10.0.0.2", "free", false), resolver.http("made-up-key", "10.0.0.2", null));
    assertEquals(new ResolvedCaller("anon:10.0.0.2", "free", false), resolver.http("Bearer ", "10.0.0.2", null));
  }

  @Test
  void forwardedForCountsOnlyFromATrustedProxy() {
    CallerResolver resolver = resolver(null, "10.0.0.0/8, ::1");
    assertEquals("anon:198.51.100.7", resolver.http(null, "198.51.100.7", "203.0.113.9").id(),
        "an untrusted peer cannot claim another address");
    assertEquals("anon:203.0.113.9", resolver.http(null, "10.0.0.5", "203.0.113.9").id());
    assertEquals("anon:203.0.113.9", resolver.http(null, "10.0.0.5", "1.2.3.4, 203.0.113.9, 10.0.0.6").id(),
        "the nearest untrusted hop; what the client wrote further left proves nothing");
    assertEquals("anon:203.0.113.9", resolver.http(null, "::1", "203.0.113.9").id());
    assertEquals("anon:10.0.0.5", resolver.http(null, "10.0.0.5", null).id());
    assertEquals("anon:10.0.0.5", resolver.http(null, "10.0.0.5", "x".repeat(100_000)).id(),
        "a hop that is no address ends at the proxy: no caller named by what a client wrote");
    assertEquals("anon:10.0.0.6", resolver.http(null, "10.0.0.5", "203.0.113.9, junk, 10.0.0.6").id());
    assertEquals("anon:203.0.113.9", resolver.http(null, "10.0.0.5", "::ffff:203.0.113.9").id(),
        "an IPv4-mapped address is the same client as its IPv4 form");
    assertEquals(new ResolvedCaller("alice", "premium", true), resolver.http("alice-key", "10.0.0.5", "203.0.113.9"),
        "a key outranks any address");
  }

  @Test
  void theLocalCallerIsTheConfiguredStdioCallerOrTheAnonymousOne() {
    assertEquals(new ResolvedCaller("local", "basic", true), resolver("local", "").local());
    assertEquals(new ResolvedCaller("anonymous", "free", false), resolver(null, "").local());
  }
}
