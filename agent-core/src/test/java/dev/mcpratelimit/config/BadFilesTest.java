package dev.mcpratelimit.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcpratelimit.config.ConfigWatcher.Change;
import dev.mcpratelimit.core.FakeClock;
import dev.mcpratelimit.identity.ApiKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad and odd files, each with its verdict and the exact lines reported, read through the real
 * {@link ConfigWatcher} both at start and as a live replacement of a good file. No reported line
 * may hold a secret from the file, and no read may block.
 */
class BadFilesTest {

  private static final String ALICE_KEY = "alice-secret";
  private static final String ALICE_HASH = ApiKeys.sha256Hex(ALICE_KEY);
  private static final String BOB_HASH = ApiKeys.sha256Hex("bob-secret");
  private static final String GOOD = "tier.free.rate=7/min\ncaller.alice.api-key-sha256=" + ALICE_HASH
      + "\ncaller.alice.tier=premium\n";
  private static final Duration NO_READ_BLOCKS = Duration.ofSeconds(10);
  private static final int MIB = ConfigFile.MAX_BYTES;
  private static final String FIFTY_MB = "52428800";
  private static final String NOT_UTF8_TEXT = "a NUL byte: this is not UTF-8 text (UTF-16 without a byte order mark?);"
      + " save it as UTF-8";
  private static final String NO_EQUALS = "expected key=value, found no '=' (the line is not shown, it may hold a secret)";
  private static final String NOT_A_HASH = "not a SHA-256 hex digest (64 hex digits); compute it with: printf %s \"$KEY\" | sha256sum";
  private static final String NOT_REGULAR = "; the agent reads only regular files";

  enum Verdict { VALID, WARNING, INVALID }

  /** Puts the odd file at a path where nothing is. */
  @FunctionalInterface
  interface Setup {
    void create(Path file) throws IOException, InterruptedException;
  }

  /** @param lines the lines reported before the summary, {@code F} standing for the file's path */
  record Row(String name, Setup setup, Verdict verdict, List<String> lines) {
    @Override
    public String toString() {
      return name;
    }
  }

  @TempDir
  Path dir;

  private final FakeClock clock = new FakeClock();

  static Stream<Arguments> files() {
    List<Row> rows = new ArrayList<>(List.of(
        // Values, keys and combinations (the parser's table before files were read safely).
        invalid("tier.free.rate=10/minute",
            "F:1: tier.free.rate: bad unit \"minute\" in \"10/minute\"; use /s, /min, /h or /day"),
        invalid("tier.free.rate=ten/min",
            "F:1: tier.free.rate: \"ten/min\" is not a rate; write tokens/unit, e.g. 10/min"),
        invalid("tier.free.rate=10",
            "F:1: tier.free.rate: \"10\" is not a rate; write tokens/unit, e.g. 10/min"),
        invalid("tier.free.rate=-5/min",
            "F:1: tier.free.rate: the number of tokens must be positive, not -5"),
        invalid("tier.free.rate=0/min",
            "F:1: tier.free.rate: the number of tokens must be positive, not 0"),
        invalid("tier.free.burst=-1",
            "F:1: tier.free.burst: burst must be positive, not -1"),
        invalid("tier.free.burst=lots",
            "F:1: tier.free.burst: \"lots\" is not a whole number; burst must be a positive whole number"),
        invalid("tier.free.burst=99999999999999999999",
            "F:1: tier.free.burst: \"99999999999999999999\" is too large"),
        invalid("tier.free.rate=1/day\ntier.free.burst=9000000000",
            "F:2: tier.free.burst: burst 9000000000 is too large for rate 1/day"),
        invalid("tier.gold.burst=50",
            "F:1: tier.gold.burst: tier gold has a burst but no rate"),
        invalid("tier.free.rat=10/min",
            "F:1: tier.free.rat: unknown key (did you mean tier.free.rate?)"),
        invalid("defualt-tier=free",
            "F:1: defualt-tier: unknown key (did you mean default-tier?)"),
        invalid("tool.search_tracks.cots=2",
            "F:1: tool.search_tracks.cots: unknown key (did you mean tool.search_tracks.cost?)"),
        invalid("completely.unrelated.setting=1",
            "F:1: completely.unrelated.setting: unknown key"),
        invalid("default-tier=platinum",
            "F:1: default-tier: unknown tier \"platinum\" (tiers: basic, enterprise, free, premium)"),
        invalid("caller.alice.tier=gold",
            "F:1: caller.alice.tier: unknown tier \"gold\" (tiers: basic, enterprise, free, premium)"),
        invalid("tool.search_tracks.tier.gold.rate=5/min",
            "F:1: tool.search_tracks.tier.gold.rate: unknown tier \"gold\" (tiers: basic, enterprise, free, premium)"),
        invalid("caller.alice.api-key-sha256=secret",
            "F:1: caller.alice.api-key-sha256: not a SHA-256 hex digest (64 hex digits); compute it with: printf %s \"$KEY\" | sha256sum"),
        invalid("caller.alice.api-key-sha256=" + ALICE_HASH + "\ncaller.bob.api-key-sha256=" + ALICE_HASH,
            "F:2: caller.bob.api-key-sha256: same API key hash as caller alice (line 1)"),
        invalid("mode=enforcing",
            "F:1: mode: \"enforcing\" is not one of enforce | shadow | off"),
        invalid("reject.http-status=302",
            "F:1: reject.http-status: \"302\" must be 200 or an HTTP error status (400-599), usually 429"),
        invalid("headers=x_ratelimit",
            "F:1: headers: \"x_ratelimit\" is not one of all | x-ratelimit | ietf | none"),
        invalid("store=postgres",
            "F:1: store: \"postgres\" is not one of memory | redis"),
        invalid("store=redis\nstore.redis.url=redis://alice:hunter2@[::1",
            "F:2: store.redis.url: not a Redis URL; write redis://[user:password@]host[:port][/db] (rediss:// for TLS)"),
        invalid("store=redis\nstore.redis.url=redis://alice@localhost",
            "F:2: store.redis.url: the URL has a user but no password; write redis://user:password@host, redis://:password@host, or use store.redis.password-file"),
        invalid("store=redis\nstore.redis.trust-store=/nonexistent/ca.pem",
            "F:2: store.redis.trust-store: cannot use \"/nonexistent/ca.pem\" as a trust store: not a regular file of at most 1 MiB"),
        invalid("store=redis\nstore.redis.cluster=true\nstore.redis.url=redis://127.0.0.1:7000/2",
            "F:3: store.redis.url: a Redis Cluster has only database 0; drop /2 from the URL"),
        invalid("store=redis\nstore.redis.timeout=50 minutes",
            "F:2: store.redis.timeout: \"50 minutes\" is not a duration; write e.g. 50ms or 1s"),
        invalid("store=redis\nstore.redis.timeout=0ms",
            "F:2: store.redis.timeout: the timeout must be from 1ms to 10s, not \"0ms\""),
        invalid("store=redis\nstore.redis.key-prefix=a{b}",
            "F:2: store.redis.key-prefix: a key prefix is 1 to 64 printable ASCII characters without spaces, '{' or '}' (braces make hash tags)"),
        invalid("store=redis\nstore.redis.on-outage=panic",
            "F:2: store.redis.on-outage: \"panic\" is not one of local | allow | reject"),
        invalid("store=redis\nstore.redis.outage-share=1.5",
            "F:2: store.redis.outage-share: the share must be above 0 and at most 1, e.g. 0.5, not \"1.5\" (on-outage=reject refuses every call)"),
        invalid("store=redis\nstore.redis.password-file=/nonexistent/redis.password",
            "F:2: store.redis.password-file: cannot read the password from \"/nonexistent/redis.password\": not a regular file of at most 1024 bytes"),
        invalid("store=redis\ntier.slow.rate=7/day\ntier.slow.burst=105000",
            "F:1: store: tier slow: burst 105000 at 7/day is too large for store=redis (its credit would pass 2^53, where Lua loses exactness); lower the burst or use a rate whose period divides more evenly"),
        invalid("store.memory.max-buckets=0",
            "F:1: store.memory.max-buckets: the bucket bound must be positive, not 0"),
        invalid("stdio.caller=nobody",
            "F:1: stdio.caller: unknown caller \"nobody\"; define caller.nobody.tier first"),
        warning("tool.recommend_tracks.cost=20",
            "F:1: tool.recommend_tracks.cost: recommend_tracks is not available on tier free (cost 20 exceeds the tier's burst of 10)"),
        invalid("tool.recommend_tracks.cost=0",
            "F:1: tool.recommend_tracks.cost: cost must be positive, not 0"),
        invalid("method.upstream.target=CatalogClient.search",
            "F:1: method.upstream.target: \"CatalogClient.search\" is not a method; write fully.qualified.Class#method"),
        invalid("method.upstream.cost=2",
            "F:1: method.upstream.cost: method upstream has a cost but no method.upstream.target"),
        invalid("method.x.target=a.B#c\nmethod.x.cost=2\ntool.x.cost=3",
            "F:3: tool.x.cost: the cost of x is already set on line 2"),
        invalid("identity.header=X API Key",
            "F:1: identity.header: \"X API Key\" is not an HTTP header name"),
        invalid("mode=enforce\nmode=shadow",
            "F:2: mode: set twice (first on line 1)"),
        invalid("just some words",
            "F:1: expected key=value, found no '=' (the line is not shown, it may hold a secret)"),
        invalid("identity.require-key=yes",
            "F:1: identity.require-key: \"yes\" is not true or false"),
        invalid("trusted-proxies=10.0.0.0/8, proxy.example.com",
            "F:1: trusted-proxies: \"proxy.example.com\" is not an IP address or CIDR block"),
        invalid("trusted-proxies=10.0.0.0/33",
            "F:1: trusted-proxies: \"10.0.0.0/33\" has a bad prefix length (0-32)"),
        invalid("violations.top=500",
            "F:1: violations.top: at most 100 top violators are shown (it is a label in Prometheus), not 500"),
        invalid("violations.threshold=0",
            "F:1: violations.threshold: the threshold must be positive, not 0"),
        invalid("tier.free.rate=",
            "F:1: tier.free.rate: empty value"),
        // What is not a regular file, or too large to read.
        row("a FIFO", file -> run("mkfifo", file), Verdict.INVALID,
            "F: cannot read: not a regular file but a FIFO (named pipe)" + NOT_REGULAR),
        row("a directory", Files::createDirectory, Verdict.INVALID,
            "F: cannot read: not a regular file but a directory" + NOT_REGULAR),
        row("a dangling symbolic link", file -> Files.createSymbolicLink(file, file.resolveSibling("gone")),
            Verdict.INVALID, "F: cannot read: a symbolic link to a missing file"),
        row("a symbolic link to /dev/zero", file -> Files.createSymbolicLink(file, Path.of("/dev/zero")),
            Verdict.INVALID, "F: cannot read: not a regular file but a character device" + NOT_REGULAR),
        row("no file", file -> { }, Verdict.INVALID, "F: cannot read: no such file"),
        row("a symbolic link to a valid file", file -> Files.createSymbolicLink(file,
            Files.writeString(file.resolveSibling("real.properties"), "mode=shadow\n")), Verdict.VALID),
        row("50 MB of junk", file -> Files.write(file, junk(50 * MIB)), Verdict.INVALID,
            "F: cannot read: too large (" + FIFTY_MB + " bytes; a configuration file may have at most 1048576, 1 MiB)"),
        row("one 50 MB line", file -> Files.writeString(file, "tier.free.rate=" + "x".repeat(50 * MIB - 15)),
            Verdict.INVALID,
            "F: cannot read: too large (" + FIFTY_MB + " bytes; a configuration file may have at most 1048576, 1 MiB)"),
        row("exactly 1 MiB", file -> Files.writeString(file, "mode=shadow\n#" + "#".repeat(MIB - 14) + "\n"),
            Verdict.VALID),
        row("1 MiB and a byte", file -> Files.writeString(file, "mode=shadow\n#" + "#".repeat(MIB - 13) + "\n"),
            Verdict.INVALID, "F: cannot read: too large (1048577 bytes; a configuration file may have at most 1048576, 1 MiB)"),
        row("1 MiB of lines without '='", file -> Files.writeString(file, "junk line\n".repeat(MIB / 10)),
            Verdict.INVALID, manyLines(MIB / 10, NO_EQUALS, "problems")),
        row("one 1 MiB line without '='", file -> Files.writeString(file, "x".repeat(MIB)), Verdict.INVALID,
            "F:1: " + NO_EQUALS),
        row("one 1 MiB key", file -> Files.writeString(file, "k".repeat(MIB - 2) + "=1"), Verdict.INVALID,
            "F:1: " + "k".repeat(64) + "...: unknown key: longer than any key (1048574 characters, at most 256)"),
        // Encodings and bytes.
        valid(""),
        bytes("a UTF-8 BOM", join(bom(), ascii("tier.free.rate=5/min\n")), Verdict.VALID),
        bytes("a UTF-8 BOM before a misspelt key", join(bom(), ascii("tier.free.rat=10/min\n")), Verdict.INVALID,
            "F:1: tier.free.rat: unknown key (did you mean tier.free.rate?)"),
        bytes("only a UTF-8 BOM", bom(), Verdict.VALID),
        invalid("tier.free.rate=5/min\r\nmode=loud\r\n",
            "F:2: mode: \"loud\" is not one of enforce | shadow | off"),
        valid("tier.free.rate=5/min\rmode=shadow\r"),
        valid("tier.free.rate=5/min   # five\r\ntier.free.burst=5\r\n"),
        valid(" \r\n\t\r\n"),
        invalid("tier.free.rate=5/min\nmode=sh\0adow\n", "F:2: " + NOT_UTF8_TEXT),
        invalid("# \0\n", "F:1: " + NOT_UTF8_TEXT),
        bytes("UTF-16LE with its BOM", join(new byte[] {(byte) 0xFF, (byte) 0xFE},
            "mode=shadow\n".getBytes(StandardCharsets.UTF_16LE)), Verdict.INVALID,
            "F: the file is UTF-16 (it starts with a UTF-16 byte order mark); save it as UTF-8"),
        bytes("UTF-16BE with its BOM", "mode=shadow\n".getBytes(StandardCharsets.UTF_16), Verdict.INVALID,
            "F: the file is UTF-16 (it starts with a UTF-16 byte order mark); save it as UTF-8"),
        bytes("UTF-16LE without a BOM", "mode=shadow\n".getBytes(StandardCharsets.UTF_16LE), Verdict.INVALID,
            "F:1: " + NOT_UTF8_TEXT),
        bytes("Latin-1", join(ascii("tier.fr"), new byte[] {(byte) 0xE9}, ascii("e.rate=1/min\n")), Verdict.INVALID,
            "F:1: not valid UTF-8 (at byte 8); save the file as UTF-8"),
        bytes("a PNG header", new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'}, Verdict.INVALID,
            "F:1: not valid UTF-8 (at byte 1); save the file as UTF-8"),
        bytes("an overlong UTF-8 sequence", join(ascii("mode="), new byte[] {(byte) 0xC0, (byte) 0xAF}), Verdict.INVALID,
            "F:1: not valid UTF-8 (at byte 6); save the file as UTF-8"),
        bytes("a surrogate in UTF-8", join(ascii("mode=shadow\nx="), new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}),
            Verdict.INVALID, "F:2: not valid UTF-8 (at byte 15); save the file as UTF-8"),
        // Control characters and look-alike keys.
        invalid("tier.free.rate=10/min\u0007",
            "F:1: tier.free.rate: \"10/min\\u0007\" is not a rate; write tokens/unit, e.g. 10/min"),
        invalid("tier.free\u001b[31m.rate=10/min",
            "F:1: tier.free\\u001B[31m.rate: unknown key: control character U+001B at column 10"),
        invalid("mode=shadow\u007f", "F:1: mode: \"shadow\\u007F\" is not one of enforce | shadow | off"),
        invalid("tier.fr\u00e9e.rate=10/min",
            "F:1: tier.fr\\u00E9e.rate: unknown key: non-ASCII character U+00E9 at column 8"),
        invalid("   tier.fr\u00e9e.rate=10/min",
            "F:1: tier.fr\\u00E9e.rate: unknown key: non-ASCII character U+00E9 at column 11"),
        invalid("tier. basic.rate=10/min", "F:1: tier. basic.rate: unknown key: whitespace U+0020 at column 6"),
        invalid("tier.free\u200b.rate=1/min",
            "F:1: tier.free\\u200B.rate: unknown key: invisible character U+200B at column 10"),
        invalid("tier.free\ufeff.rate=1/min",
            "F:1: tier.free\\uFEFF.rate: unknown key: invisible character U+FEFF at column 10"),
        invalid("tier.free.rate\u00a0=10/min",
            "F:1: tier.free.rate\\u00A0: unknown key: whitespace U+00A0 at column 15"),
        invalid("ti\u0435r.free.rate=1/min",
            "F:1: ti\\u0435r.free.rate: unknown key: non-ASCII character U+0435 at column 3"),
        invalid("tier.\ud83d\ude80.rate=1/min",
            "F:1: tier.\\uD83D\\uDE80.rate: unknown key: non-ASCII character U+1F680 at column 6"),
        invalid("caller.al!ce.tier=basic", "F:1: caller.al!ce.tier: unknown key: names may hold only letters,"
            + " digits, '_' and '-' (tool and method names also '.')"),
        invalid("tool..cost=2", "F:1: tool..cost: unknown key: names may hold only letters,"
            + " digits, '_' and '-' (tool and method names also '.')"),
        invalid("Mode=shadow", "F:1: Mode: unknown key (did you mean mode?)"),
        invalid("=shadow", "F:1: missing key before '='"),
        valid("# \ud83d\ude80 limits\nmode=shadow\n"),
        valid("tier.free.rate = 10 / min"),
        valid("mode\t=\tshadow"),
        valid("identity.require-key=TRUE"),
        // Digits that are not ASCII.
        invalid("tier.free.rate=\uff11\uff10/min",
            "F:1: tier.free.rate: \"\\uFF11\\uFF10/min\" is not a rate; write tokens/unit, e.g. 10/min"),
        invalid("tier.free.burst=\u0661\u0660",
            "F:1: tier.free.burst: \"\\u0661\\u0660\" is not a whole number; burst must be a positive whole number"),
        invalid("mode=\u017fhadow", "F:1: mode: \"\\u017Fhadow\" is not one of enforce | shadow | off"),
        invalid("caller.mallory.api-key-sha256=" + "\uff10".repeat(64), "F:1: caller.mallory.api-key-sha256: " + NOT_A_HASH),
        invalid("caller.mallory.api-key-sha256=" + "\u0663".repeat(64), "F:1: caller.mallory.api-key-sha256: " + NOT_A_HASH),
        invalid("caller.alice.api-key-sha256=" + ALICE_HASH.substring(0, 63) + "\uff41",
            "F:1: caller.alice.api-key-sha256: " + NOT_A_HASH),
        // Secrets where they do not belong: never echoed.
        invalid("caller.alice.api-key-sha256=" + ALICE_HASH.substring(1), "F:1: caller.alice.api-key-sha256: " + NOT_A_HASH),
        invalid("caller.alice.api-key-sha256=" + ALICE_HASH + "x", "F:1: caller.alice.api-key-sha256: " + NOT_A_HASH),
        invalid("caller.bob.api-key-sha256 " + BOB_HASH, "F:1: " + NO_EQUALS),
        invalid("caller.bob.api-key-sha256: " + BOB_HASH, "F:1: " + NO_EQUALS),
        invalid("tier.free.rate=10/min\n" + ALICE_KEY + "\n", "F:2: " + NO_EQUALS),
        invalid("caller.alice.api-key-sha256=" + ALICE_KEY, "F:1: caller.alice.api-key-sha256: " + NOT_A_HASH),
        valid("caller.alice.api-key-sha256=" + ALICE_HASH.toUpperCase() + "   # alice"),
        // Costs a tier cannot pay: legal, with one warning per tool.
        warning("tier.basic.burst=15\ntool.recommend_tracks.cost=20",
            "F:2: tool.recommend_tracks.cost: recommend_tracks is not available on tier basic (cost 20 exceeds"
                + " the tier's burst of 15), tier free (cost 20 exceeds the tier's burst of 10)"),
        warning("tool.upstream.global.rate=3/min\ntool.upstream.cost=5",
            "F:2: tool.upstream.cost: upstream is not available on tiers basic, enterprise, free, premium"
                + " (cost 5 exceeds the tool's global burst of 3)"),
        warning("tool.search.tier.premium.rate=2/min\ntool.search.cost=3",
            "F:2: tool.search.cost: search is not available on tier premium (cost 3 exceeds the tool's own burst"
                + " of 2 on that tier)"),
        warning("tool.x.tier.free.rate=5/min\ntool.x.cost=12",
            "F:2: tool.x.cost: x is not available on tier free (cost 12 exceeds the tier's burst of 10 and the"
                + " tool's own burst of 5 on that tier)"),
        warning("method.up.target=a.B#c\nmethod.up.cost=11",
            "F:2: method.up.cost: up is not available on tier free (cost 11 exceeds the tier's burst of 10)"),
        valid("tool.recommend_tracks.cost=20\ntool.recommend_tracks.tier.free.allowed=false"),
        row("12 tools too costly for tier free", file -> Files.writeString(file, IntStream.range(0, 12)
            .mapToObj(i -> "tool.t" + i + ".cost=20\n").reduce("", String::concat)), Verdict.WARNING,
            manyWarnings()),
        // tool.<t>.tier.<tier>.allowed
        valid("tool.recommend_tracks.tier.free.allowed=false"),
        valid("tool.recommend_tracks.tier.free.allowed=true"),
        invalid("tool.get_track.tier.free.allowed=maybe",
            "F:1: tool.get_track.tier.free.allowed: \"maybe\" is not true or false"),
        invalid("tool.get_track.tier.gold.allowed=false",
            "F:1: tool.get_track.tier.gold.allowed: unknown tier \"gold\" (tiers: basic, enterprise, free, premium)"),
        invalid("tool.a.tier.free.allowed=false\ntool.a.tier.free.allowed=true",
            "F:2: tool.a.tier.free.allowed: set twice (first on line 1)"),
        invalid("tool.a.tier.free.allowed=", "F:1: tool.a.tier.free.allowed: empty value"),
        // The status tool's cost, against its own bucket (burst 10 unless configured).
        warning("tier.free.burst=20\ntool.rate_limit_status.cost=15",
            "F:2: tool.rate_limit_status.cost: rate_limit_status is not available on tiers basic, enterprise, free,"
                + " premium (cost 15 exceeds the tool's own burst of 10 on that tier)"),
        valid(Stream.of("free", "basic", "premium", "enterprise")
            .map(tier -> "tool.rate_limit_status.tier." + tier + ".rate=60/min\ntool.rate_limit_status.tier." + tier
                + ".burst=30\n").reduce("tool.rate_limit_status.cost=20\n", String::concat)),
        valid("tool.rate_limit_status.cost=5"),
        warning("tool.rate_limit_status.tier.premium.rate=20/min\ntool.rate_limit_status.cost=12",
            "F:2: tool.rate_limit_status.cost: rate_limit_status is not available on tiers basic, enterprise, free"
                + " (cost 12 exceeds the tool's own burst of 10 on that tier)"),
        // Long keys and values, many problems.
        invalid("k".repeat(300) + "=1",
            "F:1: " + "k".repeat(64) + "...: unknown key: longer than any key (300 characters, at most 256)"),
        valid("tool." + "a".repeat(200) + ".cost=2"),
        invalid("tier.free.rate=" + "x".repeat(1000),
            "F:1: tier.free.rate: \"" + "x".repeat(40) + "...\" is not a rate; write tokens/unit, e.g. 10/min"),
        row("25 unknown keys", file -> Files.writeString(file, IntStream.range(0, 25)
            .mapToObj(i -> "unknown" + i + "=1\n").reduce("", String::concat)), Verdict.INVALID, manyUnknownKeys())));
    return rows.stream().map(row -> Arguments.of(row.name(), row));
  }

  @ParameterizedTest(name = "{index}: {0}")
  @MethodSource("files")
  void atStart(String name, Row row) throws Exception {
    Path file = dir.resolve("ratelimit.properties");
    row.setup().create(file);
    RecordingListener events = new RecordingListener();
    ConfigWatcher watcher = events.watcher(file, clock);

    assertTimeoutPreemptively(NO_READ_BLOCKS, watcher::poll);

    List<String> expected = expectedLines(row, file);
    if (row.verdict() == Verdict.INVALID) {
      expected.add(file + ": no valid configuration; the agent limits nothing until the file is fixed");
      assertEquals(List.of(), events.applied);
      assertFalse(watcher.fileValid());
    } else {
      assertEquals(List.of(Change.START), events.changes);
      assertTrue(watcher.fileValid());
    }
    assertEquals(expected, events.reports);
    assertBoundedAndSecretFree(events.reports);
  }

  @ParameterizedTest(name = "{index}: {0}")
  @MethodSource("files")
  void asALiveReplacementOfAGoodFile(String name, Row row) throws Exception {
    Path file = dir.resolve("ratelimit.properties");
    Files.writeString(file, GOOD);
    RecordingListener events = new RecordingListener();
    ConfigWatcher watcher = events.watcher(file, clock);
    watcher.poll();
    AgentConfig good = events.current();

    Files.delete(file);
    row.setup().create(file);
    assertTimeoutPreemptively(NO_READ_BLOCKS, watcher::poll);
    assertEquals(List.of(good), events.applied, "read once: not acted on yet");
    assertEquals(List.of(), events.reports);
    assertTimeoutPreemptively(NO_READ_BLOCKS, watcher::poll);

    List<String> expected = expectedLines(row, file);
    if (row.verdict() == Verdict.INVALID) {
      expected.add(file + ": invalid; the last good configuration stays in force");
      assertEquals(List.of(good), events.applied, "the last good configuration stays in force");
      assertFalse(watcher.fileValid());
    } else {
      assertEquals(List.of(Change.START, Change.CHANGED), events.changes);
      assertTrue(watcher.fileValid());
    }
    assertEquals(expected, events.reports);
    assertBoundedAndSecretFree(events.reports);
  }

  private static List<String> expectedLines(Row row, Path file) {
    List<String> lines = new ArrayList<>();
    row.lines().forEach(line -> lines.add(file + line.substring(1)));
    return lines;
  }

  /** At most the first lines and one "and K more"; no hash (not even a quarter of one) and no key from the file. */
  private static void assertBoundedAndSecretFree(List<String> reports) {
    assertTrue(reports.size() <= ProblemReport.MAX_LINES + 2, () -> reports.size() + " lines");
    for (String line : reports) {
      assertTrue(line.length() < 1000, () -> "a line of " + line.length() + " characters");
      assertTrue(line.chars().allMatch(c -> c >= 0x20 && c < 0x7f), () -> "not printable ASCII: " + line);
      assertFalse(line.contains(ALICE_KEY), line);
      for (String hash : List.of(ALICE_HASH, BOB_HASH)) {
        for (int i = 0; i + 16 <= hash.length(); i++) {
          String part = hash.substring(i, i + 16);
          assertFalse(line.contains(part) || line.contains(part.toUpperCase()), () -> "part of a hash in: " + line);
        }
      }
    }
  }

  private static Row row(String name, Setup setup, Verdict verdict, String... lines) {
    return new Row(name, setup, verdict, List.of(lines));
  }

  private static Row text(String text, Verdict verdict, String... lines) {
    return row(ProblemReport.printable(text, 60), file -> Files.writeString(file, text), verdict, lines);
  }

  private static Row valid(String text) {
    return text(text, Verdict.VALID);
  }

  private static Row warning(String text, String... lines) {
    return text(text, Verdict.WARNING, lines);
  }

  private static Row invalid(String text, String... lines) {
    return text(text, Verdict.INVALID, lines);
  }

  private static Row bytes(String name, byte[] bytes, Verdict verdict, String... lines) {
    return row(name, file -> Files.write(file, bytes), verdict, lines);
  }

  private static String[] manyLines(int count, String message, String plural) {
    String[] lines = new String[ProblemReport.MAX_LINES + 1];
    for (int i = 0; i < ProblemReport.MAX_LINES; i++) {
      lines[i] = "F:" + (i + 1) + ": " + message;
    }
    lines[ProblemReport.MAX_LINES] = "F: and " + (count - ProblemReport.MAX_LINES) + " more " + plural;
    return lines;
  }

  private static String[] manyWarnings() {
    String[] lines = new String[ProblemReport.MAX_LINES + 1];
    for (int i = 0; i < ProblemReport.MAX_LINES; i++) {
      lines[i] = "F:" + (i + 1) + ": tool.t" + i + ".cost: t" + i
          + " is not available on tier free (cost 20 exceeds the tier's burst of 10)";
    }
    lines[ProblemReport.MAX_LINES] = "F: and 2 more warnings";
    return lines;
  }

  private static String[] manyUnknownKeys() {
    String[] lines = new String[ProblemReport.MAX_LINES + 1];
    for (int i = 0; i < ProblemReport.MAX_LINES; i++) {
      lines[i] = "F:" + (i + 1) + ": unknown" + i + ": unknown key";
    }
    lines[ProblemReport.MAX_LINES] = "F: and 15 more problems";
    return lines;
  }

  private static void run(String... command) throws IOException, InterruptedException {
    assertEquals(0, new ProcessBuilder(command).inheritIO().start().waitFor(), String.join(" ", command));
  }

  private static void run(String command, Path file) throws IOException, InterruptedException {
    run(command, file.toString());
  }

  private static byte[] junk(int size) {
    byte[] bytes = new byte[size];
    new Random(10).nextBytes(bytes);
    return bytes;
  }

  private static byte[] bom() {
    return new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] join(byte[]... parts) {
    int length = 0;
    for (byte[] part : parts) {
      length += part.length;
    }
    byte[] joined = new byte[length];
    int at = 0;
    for (byte[] part : parts) {
      System.arraycopy(part, 0, joined, at, part.length);
      at += part.length;
    }
    return joined;
  }
}
