package dev.mcpratelimit.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcpratelimit.core.BucketLimit;
import dev.mcpratelimit.core.Mode;
import dev.mcpratelimit.core.Rate;
import dev.mcpratelimit.core.ToolPolicy;
import dev.mcpratelimit.identity.ApiKeys;
import dev.mcpratelimit.identity.Caller;
import dev.mcpratelimit.identity.CallerResolver;
import dev.mcpratelimit.identity.ResolvedCaller;
import dev.mcpratelimit.store.OnOutage;
import dev.mcpratelimit.store.RedisSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigParserTest {

  private static final Path FILE = Path.of("/etc/mcp/ratelimit.properties");
  private static final String ALICE_HASH = ApiKeys.sha256Hex("alice-secret");
  private static final String BOB_HASH = ApiKeys.sha256Hex("bob-secret");
  /** A self-signed CA certificate (openssl, EC P-256, valid 100 years), for the trust-store key. */
  private static final String TEST_CA = """
      -----BEGIN CERTIFICATE-----
      MIIBezCCASGgAwIBAgIUAglAv4MDaerxR4IcDRYyAiREhmAwCgYIKoZIzj0EAwIw
      EjEQMA4GA1UEAwwHdGVzdC1jYTAgFw0yNjEyMDExMTAzMzJaGA8yMTI2MTEwNzEx
      MDMzMlowEjEQMA4GA1UEAwwHdGVzdC1jYTBZMBMGByqGSM49AgEGCCqGSM49AwEH
      A0IABGLSJnJ+3TYvhhyezjQVDl984IBzbPZoxN1JsI1ob+VBn5hoZJaYwRJENqzC
      bEJcusD++QUv4ElvsMmliaeTEKGjUzBRMB0GA1UdDgQWBBTPTBdAC9qur/6FMfik
      8rJxH4AkSzAfBgNVHSMEGDAWgBTPTBdAC9qur/6FMfik8rJxH4AkSzAPBgNVHRMB
      Af8EBTADAQH/MAoGCCqGSM49BAMCA0gAMEUCIQCBtwo1pvagKn/hvpVTAptzC2/k
      hanufFl6x64X2hnQ5QIgadRDYuKUoMrFFnaOK1pssecE1Brm2LfE2Q8QLpKC5AU=
      -----END CERTIFICATE-----
      """;

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
        headers=x-ratelimit
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
    assertEquals(HeaderSet.X_RATELIMIT, config.headers());
    assertEquals(5000, config.maxBuckets());
    assertEquals(true, config.identity().requireKey());
    assertEquals("anon:203.0.113.9", callers.http(null, "10.1.2.3", "203.0.113.9").id());
  }

  @Test
  void everyHeaderSetIsSpelledAsTheReadmeSpellsIt() throws Exception {
    assertEquals(HeaderSet.ALL, ConfigParser.parse(FILE, "").headers(), "the default: every header");
    for (HeaderSet set : HeaderSet.values()) {
      String spelled = set.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
      assertEquals(set, ConfigParser.parse(FILE, "headers=" + spelled).headers(), spelled);
    }
    assertEquals(HeaderSet.IETF, ConfigParser.parse(FILE, "headers=IETF").headers(), "case does not matter");
  }

  @Test
  void aCallerWithOnlyAKeyGetsTheDefaultTier() throws Exception {
    AgentConfig config = ConfigParser.parse(FILE, "default-tier=basic\ncaller.bob.api-key-sha256=" + BOB_HASH);
    CallerResolver callers = new CallerResolver(config.identity());
    assertEquals(new ResolvedCaller("bob", "basic", true), callers.http("bob-secret", "10.1.2.3", null));
    assertEquals(false, callers.http("alice-secret", "10.1.2.3", null).identified());
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
    InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> ConfigFile.load(missing));
    assertEquals("/nonexistent/ratelimit.properties: cannot read: no such file", e.getMessage());
  }

  @Test
  void theRedisKeysParseAndThePasswordIsNeverPrinted(@TempDir Path dir) throws Exception {
    AgentConfig url = ConfigParser.parse(FILE, """
        store=redis
        store.redis.url=redis://limiter:hunter2@redis.internal:6380/3
        store.redis.timeout=200ms
        store.redis.key-prefix=prod:rl:
        store.redis.on-outage=local
        store.redis.outage-share=0.25
        """);
    RedisSettings redis = url.redis();
    assertEquals(List.of("redis.internal", 6380, 3, "limiter", "hunter2", Duration.ofMillis(200), "prod:rl:",
        OnOutage.LOCAL, 0.25), List.of(redis.host(), redis.port(), redis.database(), redis.user(), redis.password(),
        redis.timeout(), redis.keyPrefix(), redis.onOutage(), redis.outageShare()));
    assertFalse(redis.toString().contains("hunter2"), redis.toString());
    assertEquals(RedisSettings.local(6379), ConfigParser.parse(FILE, "store=redis").redis(), "the defaults");
    assertNull(ConfigParser.parse(FILE, "store=memory").redis());
    assertFalse(redis.cluster(), "one Redis unless told");
    RedisSettings cluster = ConfigParser.parse(FILE,
        "store=redis\nstore.redis.cluster=true\nstore.redis.url=redis://10.0.0.5:7000").redis();
    assertEquals(List.of("10.0.0.5", 7000, 0, true), List.of(cluster.host(), cluster.port(), cluster.database(),
        cluster.cluster()));
    assertEquals("10.0.0.5:7000 (cluster seed)", cluster.endpoint());

    Path secret = Files.writeString(dir.resolve("redis.password"), "from-file\n");
    assertEquals("from-file", ConfigParser.parse(FILE,
        "store=redis\nstore.redis.password-file=" + secret).redis().password(), "one trailing newline stripped");
    InvalidConfigException twice = assertThrows(InvalidConfigException.class, () -> ConfigParser.parse(FILE,
        "store=redis\nstore.redis.url=redis://:hunter2@h\nstore.redis.password-file=" + secret));
    assertEquals("/etc/mcp/ratelimit.properties:3: store.redis.password-file: store.redis.url holds a password "
        + "already; give it in one place", twice.getMessage().lines().findFirst().orElseThrow());
    InvalidConfigException bad = assertThrows(InvalidConfigException.class,
        () -> ConfigParser.parse(FILE, "store=redis\nstore.redis.url=redis://u:hunter2@bad host"));
    assertFalse(bad.getMessage().contains("hunter2"), bad.getMessage());
  }

  @Test
  void rediss_isTlsWithTheDefaultTrustStoreOrAPemFileOfCaCertificates(@TempDir Path dir) throws Exception {
    RedisSettings tls = ConfigParser.parse(FILE, "store=redis\nstore.redis.url=rediss://limiter:hunter2@r.internal:6380/2")
        .redis();
    assertEquals(List.of(true, "r.internal", 6380, 2, "limiter", "hunter2"),
        List.of(tls.tls(), tls.host(), tls.port(), tls.database(), tls.user(), tls.password()));
    assertNull(tls.trustStore(), "the JVM's default trust store");
    assertFalse(tls.toString().contains("hunter2"), tls.toString());
    assertFalse(ConfigParser.parse(FILE, "store=redis").redis().tls());

    Path notPem = Files.writeString(dir.resolve("ca.pem"), "hunter2 is not a certificate\n");
    InvalidConfigException bad = assertThrows(InvalidConfigException.class, () -> ConfigParser.parse(FILE,
        "store=redis\nstore.redis.url=rediss://h\nstore.redis.trust-store=" + notPem));
    assertEquals("/etc/mcp/ratelimit.properties:3: store.redis.trust-store: cannot use \"" + notPem + "\" as a trust "
        + "store: it holds no PEM certificate (-----BEGIN CERTIFICATE-----)", bad.getMessage().lines().findFirst().orElseThrow());
    assertFalse(bad.getMessage().contains("hunter2 is"), bad.getMessage());

    Path ca = Files.writeString(dir.resolve("real.pem"), TEST_CA);
    RedisSettings trusting = ConfigParser.parse(FILE,
        "store=redis\nstore.redis.url=rediss://h\nstore.redis.trust-store=" + ca).redis();
    assertEquals(ca.toString(), trusting.trustStore());
    assertTrue(trusting.toString().contains("over TLS (trusting " + ca + ")"), trusting.toString());
    InvalidConfigException plain = assertThrows(InvalidConfigException.class, () -> ConfigParser.parse(FILE,
        "store=redis\nstore.redis.url=redis://h\nstore.redis.trust-store=" + ca));
    assertEquals("/etc/mcp/ratelimit.properties:3: store.redis.trust-store: a trust store is for TLS; write the URL "
        + "as rediss://", plain.getMessage().lines().findFirst().orElseThrow());
  }

  @Test
  void messagesNeverContainAnApiKeyHash() {
    String text = "caller.alice.api-key-sha256=" + ALICE_HASH + "\ncaller.bob.api-key-sha256=" + ALICE_HASH;
    InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> ConfigParser.parse(FILE, text));
    assertEquals(false, e.getMessage().contains(ALICE_HASH));
  }

  @Test
  void aTierDeniedAToolIsRecordedAndTheToolIsUnavailableOnlyThere() throws Exception {
    AgentConfig config = ConfigParser.parse(FILE, """
        tool.recommend_tracks.tier.free.allowed=false
        tool.recommend_tracks.tier.basic.allowed=true
        tool.get_track.tier.premium.allowed=FALSE
        """);
    ToolPolicy recommend = config.policy().tool("recommend_tracks");
    assertEquals(Set.of("free"), recommend.deniedTiers());
    assertEquals(Optional.of("tool.recommend_tracks.tier.free.allowed=false"),
        recommend.unavailableOn("free", config.policy().tiers().get("free")));
    assertEquals(Optional.empty(), recommend.unavailableOn("basic", config.policy().tiers().get("basic")));
    assertEquals(Set.of("premium"), config.policy().tool("get_track").deniedTiers());
    assertEquals(List.of(), config.warnings(), "a tier denied on purpose is no warning");
  }

  @Test
  void aMethodTargetedUnderTwoNamesMakesTheFileInvalid() {
    InvalidConfigException invalid = assertThrows(InvalidConfigException.class, () -> ConfigParser.parse(FILE,
        "method.upstream.target=com.example.music.CatalogClient#recommend\n"
            + "method.other.target=com.example.music.CatalogClient#recommend\n"));
    assertEquals(List.of(FILE + ":2: method.other.target: method other targets the method that method.upstream.target"
        + " (line 1) targets already"), invalid.problems().stream().map(ConfigProblem::toString).toList());
  }

  @Test
  void aMethodOfTheJdkOrOfTheAgentLoadsWithOneWarningEach() throws Exception {
    AgentConfig config = ConfigParser.parse(FILE, "method.db.target=java.sql.DriverManager#getConnection\n"
        + "method.own.target=dev.mcpratelimit.gate.Gate#beforeLimitedMethod\n"
        + "method.upstream.target=com.example.music.CatalogClient#recommend\n"
        + "method.javaish.target=javax.naming.InitialContext#lookup\n");
    assertEquals(4, config.methods().size(), "still valid: the host is unchanged either way");
    assertEquals(List.of(
        FILE + ":1: method.db.target: method db names a class of the JDK (java.*, jdk.*, sun.*) or of the agent, which is never instrumented",
        FILE + ":2: method.own.target: method own names a class of the JDK (java.*, jdk.*, sun.*) or of the agent, which is never instrumented"),
        config.warnings().stream().map(ConfigProblem::toString).toList());
  }

  @Test
  void aCostAboveABurstLoadsWithOneWarningAndTheToolIsUnavailableOnlyWhereItCannotBePaid() throws Exception {
    AgentConfig config = ConfigParser.parse(FILE, "tier.basic.burst=15\ntool.recommend_tracks.cost=12\n");
    ToolPolicy recommend = config.policy().tool("recommend_tracks");
    assertEquals(Optional.of("cost 12 exceeds the tier's burst of 10"),
        recommend.unavailableOn("free", config.policy().tiers().get("free")));
    assertEquals(Optional.empty(), recommend.unavailableOn("basic", config.policy().tiers().get("basic")));
    assertEquals(Optional.empty(), recommend.unavailableOn("free", null), "where the tier bucket is not charged");
    assertEquals(List.of(FILE + ":2: tool.recommend_tracks.cost: recommend_tracks is not available on tier free"
        + " (cost 12 exceeds the tier's burst of 10)"), config.warnings().stream().map(ConfigProblem::toString).toList());
  }

  @Test
  void crlfLineEndsLeaveNoCarriageReturnInAValue() throws Exception {
    AgentConfig config = ConfigParser.parse(FILE, "tier.free.rate=3/min\r\ntier.free.burst=2\r\nmode=shadow\r\n");
    assertEquals(new BucketLimit(2, Rate.perMinute(3)), config.policy().tiers().get("free"));
    assertEquals(Mode.SHADOW, config.policy().mode());
  }

  @Test
  void aMethodTargetOfThousandsOfSegmentsIsReadWithoutOverflowingTheStack() throws Exception {
    String target = "a.".repeat(20_000) + "A#m";
    AgentConfig config = ConfigParser.parse(FILE, "method.deep.target=" + target + "\n");
    assertEquals(target, config.methods().get(0).toString());
  }
}
