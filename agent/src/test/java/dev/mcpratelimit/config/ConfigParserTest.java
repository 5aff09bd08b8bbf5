package dev.mcpratelimit.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.mcpratelimit.core.BucketLimit;
import dev.mcpratelimit.core.Mode;
import dev.mcpratelimit.core.Rate;
import dev.mcpratelimit.core.ToolPolicy;
import dev.mcpratelimit.identity.ApiKeys;
import dev.mcpratelimit.identity.Caller;
import dev.mcpratelimit.identity.CallerResolver;
import dev.mcpratelimit.identity.ResolvedCaller;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConfigParserTest {

  private static final Path FILE = Path.of("/etc/mcp/ratelimit.properties");
  private static final String ALICE_HASH = ApiKeys.sha256Hex("alice-secret");
  private static final String BOB_HASH = ApiKeys.sha256Hex("bob-secret");

  @Test
  void noFileMeansTheDocumentedDefaults() {
    AgentConfig config = AgentConfig.defaults();
    assertEquals(new BucketLimit(10, Rate.perMinute(10)), config.policy().tiers().get("free"));
    assertEquals(new BucketLimit(60, Rate.perMinute(60)), config.policy().tiers().get("basic"));
    assertEquals(new BucketLimit(300, Rate.perMinute(300)), config.policy().tiers().get("premium"));
    assertEquals(new BucketLimit(1000, Rate.perMinute(1000)), config.policy().tiers().get("enterprise"));
    assertEquals("free", config.policy().defaultTier());
    assertEquals(Mode.ENFORCE, config.policy().mode());
    assertEquals("X-API-Key", config.identity().header());
    assertEquals(429, config.rejectHttpStatus());
    assertEquals(1_000_000, config.maxBuckets());
    assertEquals(new AgentConfig.Violations(300, 20, 10), config.violations());
    assertEquals("anonymous", new CallerResolver(config.identity()).local().id());
    assertEquals(false, config.identity().requireKey());
    assertNull(config.source());
  }

  @Test
  void theDesignExampleParsesWithEveryKey() throws Exception {
    String text = """
        # Tiers. rate = sustained refill; burst = bucket capacity (default: one minute of rate).
        tier.free.rate=10/min
        tier.basic.rate=60/min
        tier.premium.rate=300/min
        tier.enterprise.rate=1000/min
        tier.free.burst=10
        tier.gold.rate=5/s
        default-tier=free                       # tier of callers the agent cannot identify

        identity.header=X-API-Key               # HTTP header that carries the API key
        identity.require-key=true
        trusted-proxies=10.0.0.0/8, ::1
        caller.alice.api-key-sha256=%s
        caller.alice.tier=premium
        caller.local.tier=basic                 # a caller may have no key (e.g. the stdio caller)
        stdio.caller=local

        tool.recommend_tracks.cost=5
        tool.search_tracks.tier.free.rate=5/min
        tool.search_tracks.tier.free.burst=5
        tool.search_tracks.global.rate=600/min

        method.upstream_search.target=com.example.music.CatalogClient#search
        method.upstream_search.cost=1

        mode=shadow
        reject.http-status=200
        store=memory
        store.memory.max-buckets=5000
        """.formatted(ALICE_HASH.toUpperCase());
    AgentConfig config = ConfigParser.parse(FILE, text);

    assertEquals(new BucketLimit(300, Rate.perSecond(5)), config.policy().tiers().get("gold"), "burst defaults to a minute");
    CallerResolver callers = new CallerResolver(config.identity());
    assertEquals(new ResolvedCaller("alice", "premium", true), callers.http("alice-secret", "10.1.2.3", null));
    assertEquals(new Caller("local", "basic", null), config.identity().callers().stream()
        .filter(caller -> caller.id().equals("local")).findFirst().orElseThrow());
    assertEquals(new ResolvedCaller("local", "basic", true), callers.local());
    assertEquals(5, config.policy().tool("recommend_tracks").cost());
    ToolPolicy search = config.policy().tool("search_tracks");
    assertEquals(new BucketLimit(5, Rate.perMinute(5)), search.tierLimits().get("free"));
    assertEquals(new BucketLimit(600, Rate.perMinute(600)), search.global());
    assertEquals(List.of(new MethodTarget("upstream_search", "com.example.music.CatalogClient", "search")),
        config.methods());
    assertEquals(1, config.policy().tool("upstream_search").cost());
    assertEquals(Mode.SHADOW, config.policy().mode());
    assertEquals(200, config.rejectHttpStatus());
    assertEquals(5000, config.maxBuckets());
    assertEquals(true, config.identity().requireKey());
    assertEquals("anon:203.0.113.9", callers.http(null, "10.1.2.3", "203.0.113.9").id());
  }

  @Test
  void aCallerWithOnlyAKeyGetsTheDefaultTier() throws Exception {
    AgentConfig config = ConfigParser.parse(FILE, "default-tier=basic\ncaller.bob.api-key-sha256=" + BOB_HASH);
    CallerResolver callers = new CallerResolver(config.identity());
    assertEquals(new ResolvedCaller("bob", "basic", true), callers.http("bob-secret", "10.1.2.3", null));
    assertEquals(false, callers.http("alice-secret", "10.1.2.3", null).identified());
  }

  static Stream<Arguments> badFiles() {
    String f = FILE + ":";
    return Stream.of(
        Arguments.of("tier.free.rate=10/minute",
            f + "1: tier.free.rate: bad unit \"minute\" in \"10/minute\"; use /s, /min, /h or /day"),
        Arguments.of("tier.free.rate=ten/min",
            f + "1: tier.free.rate: \"ten/min\" is not a rate; write tokens/unit, e.g. 10/min"),
        Arguments.of("tier.free.rate=10",
            f + "1: tier.free.rate: \"10\" is not a rate; write tokens/unit, e.g. 10/min"),
        Arguments.of("tier.free.rate=-5/min",
            f + "1: tier.free.rate: the number of tokens must be positive, not -5"),
        Arguments.of("tier.free.rate=0/min",
            f + "1: tier.free.rate: the number of tokens must be positive, not 0"),
        Arguments.of("tier.free.burst=-1",
            f + "1: tier.free.burst: burst must be positive, not -1"),
        Arguments.of("tier.free.burst=lots",
            f + "1: tier.free.burst: \"lots\" is not a whole number; burst must be a positive whole number"),
        Arguments.of("tier.free.burst=99999999999999999999",
            f + "1: tier.free.burst: \"99999999999999999999\" is too large"),
        Arguments.of("tier.free.rate=1/day\ntier.free.burst=9000000000",
            f + "2: tier.free.burst: burst 9000000000 is too large for rate 1/day"),
        Arguments.of("tier.gold.burst=50",
            f + "1: tier.gold.burst: tier gold has a burst but no rate"),
        Arguments.of("tier.free.rat=10/min",
            f + "1: tier.free.rat: unknown key (did you mean tier.free.rate?)"),
        Arguments.of("defualt-tier=free",
            f + "1: defualt-tier: unknown key (did you mean default-tier?)"),
        Arguments.of("tool.search_tracks.cots=2",
            f + "1: tool.search_tracks.cots: unknown key (did you mean tool.search_tracks.cost?)"),
        Arguments.of("completely.unrelated.setting=1",
            f + "1: completely.unrelated.setting: unknown key"),
        Arguments.of("default-tier=platinum",
            f + "1: default-tier: unknown tier \"platinum\" (tiers: basic, enterprise, free, premium)"),
        Arguments.of("caller.alice.tier=gold",
            f + "1: caller.alice.tier: unknown tier \"gold\" (tiers: basic, enterprise, free, premium)"),
        Arguments.of("tool.search_tracks.tier.gold.rate=5/min",
            f + "1: tool.search_tracks.tier.gold.rate: unknown tier \"gold\" (tiers: basic, enterprise, free, premium)"),
        Arguments.of("caller.alice.api-key-sha256=secret",
            f + "1: caller.alice.api-key-sha256: not a SHA-256 hex digest (64 hex digits); compute it with: printf %s \"$KEY\" | sha256sum"),
        Arguments.of("caller.alice.api-key-sha256=" + ALICE_HASH + "\ncaller.bob.api-key-sha256=" + ALICE_HASH,
            f + "2: caller.bob.api-key-sha256: same API key hash as caller alice (line 1)"),
        Arguments.of("mode=enforcing",
            f + "1: mode: \"enforcing\" is not one of enforce | shadow | off"),
        Arguments.of("reject.http-status=302",
            f + "1: reject.http-status: \"302\" must be 200 or an HTTP error status (400-599), usually 429"),
        Arguments.of("store=postgres",
            f + "1: store: \"postgres\" is not one of memory"),
        Arguments.of("store=redis",
            f + "1: store: store=redis is not available in this version; use store=memory"),
        Arguments.of("store.memory.max-buckets=0",
            f + "1: store.memory.max-buckets: the bucket bound must be positive, not 0"),
        Arguments.of("stdio.caller=nobody",
            f + "1: stdio.caller: unknown caller \"nobody\"; define caller.nobody.tier first"),
        Arguments.of("tool.recommend_tracks.cost=20",
            f + "1: tool.recommend_tracks.cost: cost 20 exceeds the burst of tier free (burst 10): the tool could never be called there"),
        Arguments.of("tool.recommend_tracks.cost=0",
            f + "1: tool.recommend_tracks.cost: cost must be positive, not 0"),
        Arguments.of("method.upstream.target=CatalogClient.search",
            f + "1: method.upstream.target: \"CatalogClient.search\" is not a method; write fully.qualified.Class#method"),
        Arguments.of("method.upstream.cost=2",
            f + "1: method.upstream.cost: method upstream has a cost but no method.upstream.target"),
        Arguments.of("method.x.target=a.B#c\nmethod.x.cost=2\ntool.x.cost=3",
            f + "3: tool.x.cost: the cost of x is already set on line 2"),
        Arguments.of("identity.header=X API Key",
            f + "1: identity.header: \"X API Key\" is not an HTTP header name"),
        Arguments.of("mode=enforce\nmode=shadow",
            f + "2: mode: set twice (first on line 1)"),
        Arguments.of("just some words",
            f + "1: just some words: expected key=value"),
        Arguments.of("identity.require-key=yes",
            f + "1: identity.require-key: \"yes\" is not true or false"),
        Arguments.of("trusted-proxies=10.0.0.0/8, proxy.example.com",
            f + "1: trusted-proxies: \"proxy.example.com\" is not an IP address or CIDR block"),
        Arguments.of("trusted-proxies=10.0.0.0/33",
            f + "1: trusted-proxies: \"10.0.0.0/33\" has a bad prefix length (0-32)"),
        Arguments.of("violations.top=500",
            f + "1: violations.top: at most 100 top violators are shown (it is a label in Prometheus), not 500"),
        Arguments.of("violations.threshold=0",
            f + "1: violations.threshold: the threshold must be positive, not 0"),
        Arguments.of("tier.free.rate=",
            f + "1: tier.free.rate: empty value"));
  }

  @ParameterizedTest
  @MethodSource("badFiles")
  void eachProblemIsOneLineNamingFileLineAndKey(String text, String expected) {
    InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> ConfigParser.parse(FILE, text));
    assertEquals(expected, e.getMessage());
    assertEquals(1, e.problems().size());
  }

  @Test
  void everyProblemInAFileIsReportedAtOnce() {
    String text = "# header\nmode=loud\n\ntier.free.rate=1/fortnight\nunknown=1\n";
    InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> ConfigParser.parse(FILE, text));
    assertEquals(List.of(2, 4, 5), e.problems().stream().map(ConfigProblem::line).toList());
  }

  @Test
  void anUnreadableFileIsOneProblem() {
    Path missing = Path.of("/nonexistent/ratelimit.properties");
    InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> ConfigParser.load(missing));
    assertEquals("/nonexistent/ratelimit.properties: cannot read: no such file", e.getMessage());
  }

  @Test
  void messagesNeverContainAnApiKeyHash() {
    String text = "caller.alice.api-key-sha256=" + ALICE_HASH + "\ncaller.bob.api-key-sha256=" + ALICE_HASH;
    InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> ConfigParser.parse(FILE, text));
    assertEquals(false, e.getMessage().contains(ALICE_HASH));
  }
}
