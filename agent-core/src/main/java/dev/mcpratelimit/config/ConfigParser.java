package dev.mcpratelimit.config;

import dev.mcpratelimit.config.ConfigKeys.Kind;
import dev.mcpratelimit.config.ConfigKeys.Parsed;
import dev.mcpratelimit.config.PropertiesFile.Entry;
import dev.mcpratelimit.config.Values.BadValue;
import dev.mcpratelimit.core.BucketLimit;
import dev.mcpratelimit.core.Mode;
import dev.mcpratelimit.core.Policy;
import dev.mcpratelimit.core.Rate;
import dev.mcpratelimit.core.ToolPolicy;
import dev.mcpratelimit.identity.ApiKeys;
import dev.mcpratelimit.identity.Caller;
import dev.mcpratelimit.identity.IdentitySettings;
import dev.mcpratelimit.identity.TrustedProxies;
import dev.mcpratelimit.store.OnOutage;
import dev.mcpratelimit.store.RedisBucketStore;
import dev.mcpratelimit.store.RedisSettings;
import dev.mcpratelimit.store.RedisTls;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a properties file into an {@link AgentConfig}, or into every problem it has, each naming
 * file, line and key. Keys not in the file take the documented defaults.
 */
public final class ConfigParser {

  static final long DEFAULT_MAX_BUCKETS = 1_000_000;
  private static final Map<String, Rate> DEFAULT_TIERS = Map.of(
      "free", Rate.perMinute(10),
      "basic", Rate.perMinute(60),
      "premium", Rate.perMinute(300),
      "enterprise", Rate.perMinute(1000));

  // Possessive and without a capturing group: a repeated group recurses once per repetition, and
  // a long enough value would overflow the stack of whichever thread reads the file.
  private static final Pattern METHOD_TARGET =
      Pattern.compile("[A-Za-z_$][\\w$]*+(?:\\.[A-Za-z_$][\\w$]*+)*+#[A-Za-z_$][\\w$]*+");
  private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

  private final Path file;
  private final List<ConfigProblem> problems = new ArrayList<>();
  private final List<ConfigProblem> warnings = new ArrayList<>();
  private int unknownKeys;
  /** Entries by kind, in file order. */
  private final Map<Kind, List<Keyed>> byKind = new HashMap<>();

  private record Keyed(Entry entry, Parsed key) {
    String name() {
      return key.name();
    }
  }

  /** The (tool, tier) pair a {@code tool.<t>.tier.<tier>.*} line is about. */
  private record ToolTier(String tool, String tier) implements Comparable<ToolTier> {
    static ToolTier of(Keyed keyed) {
      return new ToolTier(keyed.name(), keyed.key().names().get(1));
    }

    @Override
    public int compareTo(ToolTier other) {
      int byTool = tool.compareTo(other.tool);
      return byTool != 0 ? byTool : tier.compareTo(other.tier);
    }
  }

  /** A limit being assembled from its rate and burst lines. */
  private static final class LimitLines {
    Rate rate;
    Entry rateLine;
    Long burst;
    Entry burstLine;
  }

  private ConfigParser(Path file) {
    this.file = file;
  }

  /** Parses {@code text}, which came from {@code file} ({@code null} for the built-in defaults). */
  public static AgentConfig parse(Path file, String text) throws InvalidConfigException {
    return new ConfigParser(file).build(text);
  }

  /** Whether {@code id} may name a caller in {@code caller.<id>.*} keys. */
  public static boolean isCallerId(String id) {
    Parsed key = ConfigKeys.parse("caller." + id + ".tier");
    return key != null && key.kind() == Kind.CALLER_TIER && key.name().equals(id);
  }

  private AgentConfig build(String text) throws InvalidConfigException {
    for (Entry entry : PropertiesFile.parse(file, text, problems)) {
      classify(entry);
    }
    Map<String, BucketLimit> tiers = tiers();
    String defaultTier = defaultTier(tiers);
    List<Caller> callers = callers(tiers, defaultTier);
    String stdioCaller = single(Kind.STDIO_CALLER, null, value -> {
      if (callers.stream().noneMatch(caller -> caller.id().equals(value))) {
        throw new BadValue("unknown caller " + ProblemReport.quoted(value) + "; define caller."
            + ProblemReport.printable(value, ProblemReport.MAX_VALUE_CHARS) + ".tier first");
      }
      return value;
    });
    String identityHeader = single(Kind.IDENTITY_HEADER, IdentitySettings.DEFAULT_HEADER, value -> {
      if (!HEADER_NAME.matcher(value).matches()) {
        throw new BadValue(ProblemReport.quoted(value) + " is not an HTTP header name");
      }
      return value;
    });
    boolean requireKey = single(Kind.IDENTITY_REQUIRE_KEY, false, Values::bool);
    TrustedProxies proxies = single(Kind.TRUSTED_PROXIES, TrustedProxies.NONE, value -> {
      try {
        return TrustedProxies.parse(value);
      } catch (IllegalArgumentException e) {
        throw new BadValue(e.getMessage());
      }
    });
    List<MethodTarget> methods = methods();
    Map<String, ToolPolicy> tools = tools(tiers);
    Mode mode = single(Kind.MODE, Mode.ENFORCE, value -> Values.choice(value, Mode.class));
    int rejectStatus = single(Kind.REJECT_HTTP_STATUS, 429, ConfigParser::httpStatus);
    HeaderSet headers = single(Kind.HEADERS, HeaderSet.ALL, value -> Values.choice(value, HeaderSet.class));
    boolean redisStore = single(Kind.STORE, false, ConfigParser::isRedis);
    RedisSettings redis = redisStore ? new RedisKeys().settings(tiers, tools) : null;
    long maxBuckets = single(Kind.STORE_MEMORY_MAX_BUCKETS, DEFAULT_MAX_BUCKETS,
        value -> Values.positive(value, "the bucket bound"));
    AgentConfig.Violations violations = new AgentConfig.Violations(
        single(Kind.VIOLATIONS_WINDOW_SECONDS, 300L, value -> Values.positive(value, "the window")),
        single(Kind.VIOLATIONS_THRESHOLD, 20L, value -> Values.positive(value, "the threshold")),
        single(Kind.VIOLATIONS_TOP, 10L, value -> {
          long top = Values.positive(value, "the number of top violators");
          if (top > 100) {
            throw new BadValue("at most 100 top violators are shown (it is a label in Prometheus), not " + value);
          }
          return top;
        }).intValue());
    if (!problems.isEmpty()) {
      problems.sort(Comparator.comparingInt(ConfigProblem::line));
      throw new InvalidConfigException(problems);
    }
    warnings.sort(Comparator.comparingInt(ConfigProblem::line));
    Policy policy = new Policy(tiers, defaultTier, tools, mode);
    IdentitySettings identity = new IdentitySettings(callers, defaultTier, stdioCaller, identityHeader, requireKey, proxies);
    return new AgentConfig(file, policy, identity, methods, rejectStatus, headers, maxBuckets, violations, redis, warnings);
  }

  private void classify(Entry entry) {
    Parsed parsed = ConfigKeys.parse(entry.key());
    if (parsed == null) {
      // A suggestion costs an edit distance per kind of key; beyond the first few unknown keys
      // (the only ones that can be among the lines reported) a file of junk would only cost time.
      boolean suggest = unknownKeys++ < ProblemReport.MAX_LINES;
      problem(entry, ConfigKeys.unknown(entry.key(), entry.column(), suggest));
    } else if (entry.value().isEmpty()) {
      problem(entry, "empty value");
    } else {
      byKind.computeIfAbsent(parsed.kind(), k -> new ArrayList<>()).add(new Keyed(entry, parsed));
    }
  }

  private Map<String, BucketLimit> tiers() {
    Map<String, LimitLines> lines = new TreeMap<>();
    DEFAULT_TIERS.forEach((name, rate) -> lines.computeIfAbsent(name, n -> new LimitLines()).rate = rate);
    readLimits(Kind.TIER_RATE, Kind.TIER_BURST, keyed -> keyed.name(), lines);
    Map<String, BucketLimit> tiers = new LinkedHashMap<>();
    lines.forEach((name, limit) -> {
      BucketLimit built = limit(limit, "tier " + name);
      if (built != null) {
        tiers.put(name, built);
      }
    });
    return tiers;
  }

  /** Reads rate and burst lines into {@code into}, grouped by what {@code group} picks. */
  private <K> void readLimits(Kind rateKind, Kind burstKind, Function<Keyed, K> group, Map<K, LimitLines> into) {
    for (Keyed keyed : entries(rateKind)) {
      LimitLines limit = into.computeIfAbsent(group.apply(keyed), n -> new LimitLines());
      limit.rate = value(keyed.entry, Values::rate);
      limit.rateLine = keyed.entry;
    }
    for (Keyed keyed : entries(burstKind)) {
      LimitLines limit = into.computeIfAbsent(group.apply(keyed), n -> new LimitLines());
      limit.burst = value(keyed.entry, value -> Values.positive(value, "burst"));
      limit.burstLine = keyed.entry;
    }
  }

  /** The limit described by {@code lines}, or {@code null} if it is incomplete or invalid. */
  private BucketLimit limit(LimitLines lines, String what) {
    if (lines.rate == null) {
      if (lines.rateLine == null && lines.burstLine != null) {
        problem(lines.burstLine, what + " has a burst but no rate");
      }
      return null;
    }
    try {
      return lines.burst == null ? BucketLimit.ofRate(lines.rate) : new BucketLimit(lines.burst, lines.rate);
    } catch (IllegalArgumentException | ArithmeticException e) {
      problem(lines.burstLine != null ? lines.burstLine : lines.rateLine,
          "burst " + (lines.burst == null ? "" : lines.burst + " ") + "is too large for rate " + lines.rate);
      return null;
    }
  }

  private String defaultTier(Map<String, BucketLimit> tiers) {
    return single(Kind.DEFAULT_TIER, "free", value -> tierName(value, tiers));
  }

  private List<Caller> callers(Map<String, BucketLimit> tiers, String defaultTier) {
    Map<String, String> tierOf = new TreeMap<>();
    for (Keyed keyed : entries(Kind.CALLER_TIER)) {
      String tier = value(keyed.entry, value -> tierName(value, tiers));
      tierOf.put(keyed.name(), tier);
    }
    Map<String, String> hashOf = new TreeMap<>();
    Map<String, Keyed> hashOwner = new HashMap<>();
    for (Keyed keyed : entries(Kind.CALLER_KEY)) {
      String hash = value(keyed.entry, value -> {
        if (!ApiKeys.isSha256Hex(value)) {
          throw new BadValue("not a SHA-256 hex digest (64 hex digits); compute it with: printf %s \"$KEY\" | sha256sum");
        }
        return value.toLowerCase(Locale.ROOT);
      });
      if (hash == null) {
        continue;
      }
      Keyed owner = hashOwner.putIfAbsent(hash, keyed);
      if (owner != null) {
        problem(keyed.entry, "same API key hash as caller " + owner.name() + " (line " + owner.entry.line() + ")");
      } else {
        hashOf.put(keyed.name(), hash);
      }
    }
    TreeSet<String> ids = new TreeSet<>(tierOf.keySet());
    ids.addAll(hashOf.keySet());
    List<Caller> callers = new ArrayList<>();
    for (String id : ids) {
      String tier = tierOf.get(id);
      callers.add(new Caller(id, tier != null ? tier : defaultTier, hashOf.get(id)));
    }
    return callers;
  }

  private List<MethodTarget> methods() {
    List<MethodTarget> methods = new ArrayList<>();
    Map<String, Keyed> byMethod = new HashMap<>();
    for (Keyed keyed : entries(Kind.METHOD_TARGET)) {
      String target = value(keyed.entry, value -> {
        if (!METHOD_TARGET.matcher(value).matches()) {
          throw new BadValue(ProblemReport.quoted(value) + " is not a method; write fully.qualified.Class#method");
        }
        return value;
      });
      if (target != null) {
        int hash = target.indexOf('#');
        MethodTarget method = new MethodTarget(keyed.name(), target.substring(0, hash), target.substring(hash + 1));
        Keyed first = byMethod.putIfAbsent(method.toString(), keyed);
        if (first != null) {
          // A method is woven once and counted under one name: the other's limits would never apply.
          problem(keyed.entry, "method " + keyed.name() + " targets the method that " + first.entry.key()
              + " (line " + first.entry.line() + ") targets already");
          continue;
        }
        methods.add(method);
        if (method.neverWoven()) {
          warnings.add(new ConfigProblem(file, keyed.entry.line(), keyed.entry.key(), "method " + keyed.name()
              + " names a class of the JDK (java.*, jdk.*, sun.*) or of the agent, which is never instrumented"));
        }
      }
    }
    for (Keyed keyed : entries(Kind.METHOD_COST)) {
      if (methods.stream().noneMatch(m -> m.name().equals(keyed.name()))) {
        problem(keyed.entry, "method " + keyed.name() + " has a cost but no method." + keyed.name() + ".target");
      }
    }
    return methods;
  }

  private Map<String, ToolPolicy> tools(Map<String, BucketLimit> tiers) {
    Map<String, Long> costs = new TreeMap<>();
    Map<String, Entry> costLines = new HashMap<>();
    List<Keyed> costEntries = new ArrayList<>(entries(Kind.TOOL_COST));
    costEntries.addAll(entries(Kind.METHOD_COST));
    costEntries.sort(Comparator.comparingInt(keyed -> keyed.entry.line()));
    for (Keyed keyed : costEntries) {
      Long cost = value(keyed.entry, value -> Values.positive(value, "cost"));
      Entry earlier = costLines.putIfAbsent(keyed.name(), keyed.entry);
      if (earlier != null) {
        problem(keyed.entry, "the cost of " + keyed.name() + " is already set on line " + earlier.line());
      } else if (cost != null) {
        costs.put(keyed.name(), cost);
      }
    }
    Map<ToolTier, LimitLines> perTier = new TreeMap<>();
    readLimits(Kind.TOOL_TIER_RATE, Kind.TOOL_TIER_BURST, ToolTier::of, perTier);
    Map<String, LimitLines> global = new TreeMap<>();
    readLimits(Kind.TOOL_GLOBAL_RATE, Kind.TOOL_GLOBAL_BURST, Keyed::name, global);
    Map<String, Set<String>> denied = deniedTiers(tiers);

    TreeSet<String> names = new TreeSet<>(costs.keySet());
    perTier.keySet().forEach(key -> names.add(key.tool()));
    names.addAll(global.keySet());
    names.addAll(denied.keySet());
    Map<String, ToolPolicy> tools = new HashMap<>();
    for (String tool : names) {
      Map<String, BucketLimit> tierLimits = new HashMap<>();
      perTier.forEach((key, lines) -> {
        String tier = key.tier();
        if (!key.tool().equals(tool)) {
          return;
        }
        if (!tiers.containsKey(tier)) {
          problem(lines.rateLine != null ? lines.rateLine : lines.burstLine, unknownTier(tier, tiers));
          return;
        }
        BucketLimit limit = limit(lines, "tool " + tool + " on tier " + tier);
        if (limit != null) {
          tierLimits.put(tier, limit);
        }
      });
      LimitLines globalLines = global.get(tool);
      BucketLimit globalLimit = globalLines == null ? null : limit(globalLines, "tool " + tool + " (global)");
      ToolPolicy policy = new ToolPolicy(tool, costs.getOrDefault(tool, 1L), tierLimits, globalLimit,
          denied.getOrDefault(tool, Set.of()));
      warnIfUnaffordable(policy, costLines.get(tool), tiers);
      tools.put(tool, policy);
    }
    return tools;
  }

  /** The tiers each tool is denied ({@code tool.<t>.tier.<tier>.allowed=false}). */
  private Map<String, Set<String>> deniedTiers(Map<String, BucketLimit> tiers) {
    Map<String, Set<String>> denied = new TreeMap<>();
    for (Keyed keyed : entries(Kind.TOOL_TIER_ALLOWED)) {
      ToolTier key = ToolTier.of(keyed);
      Boolean allowed = value(keyed.entry, Values::bool);
      if (!tiers.containsKey(key.tier())) {
        problem(keyed.entry, unknownTier(key.tier(), tiers));
      } else if (Boolean.FALSE.equals(allowed)) {
        denied.computeIfAbsent(key.tool(), t -> new TreeSet<>()).add(key.tier());
      } else if (allowed != null) {
        denied.computeIfAbsent(key.tool(), t -> new TreeSet<>()); // a tool of its own, every tier allowed
      }
    }
    return denied;
  }

  /**
   * A cost above a burst that applies on a tier can never be paid there: legal (it keeps an
   * expensive tool from a cheap tier) but worth one warning per tool, naming those tiers. Tiers
   * the tool is denied on purpose are not named. The status tool is charged only its own buckets.
   */
  private void warnIfUnaffordable(ToolPolicy tool, Entry costLine, Map<String, BucketLimit> tiers) {
    if (costLine == null) {
      return;
    }
    boolean status = tool.name().equals(AgentConfig.STATUS_TOOL);
    ToolPolicy charged = status ? AgentConfig.statusTool(tool, tiers.keySet()) : tool;
    Map<String, Set<String>> tiersByReason = new LinkedHashMap<>();
    new TreeSet<>(tiers.keySet()).forEach(tier -> {
      if (!tool.deniedTiers().contains(tier)) {
        charged.unavailableOn(tier, status ? null : tiers.get(tier))
            .ifPresent(reason -> tiersByReason.computeIfAbsent(reason, r -> new TreeSet<>()).add(tier));
      }
    });
    if (!tiersByReason.isEmpty()) {
      List<String> parts = new ArrayList<>();
      tiersByReason.forEach((reason, names) ->
          parts.add((names.size() == 1 ? "tier " : "tiers ") + String.join(", ", names) + " (" + reason + ")"));
      warnings.add(new ConfigProblem(file, costLine.line(), costLine.key(),
          tool.name() + " is not available on " + String.join(", ", parts)));
    }
  }

  private static int httpStatus(String value) throws BadValue {
    long status = Values.positive(value, "the status");
    if (status != 200 && (status < 400 || status > 599)) {
      throw new BadValue(ProblemReport.quoted(value) + " must be 200 or an HTTP error status (400-599), usually 429");
    }
    return (int) status;
  }

  /** Whether the store is Redis ({@code redis}) rather than memory ({@code memory}). */
  private static boolean isRedis(String value) throws BadValue {
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "memory" -> false;
      case "redis" -> true;
      default -> throw new BadValue(ProblemReport.quoted(value) + " is not one of memory | redis");
    };
  }

  /**
   * The {@code store.redis.*} keys. The URL may hold a password, so no message ever quotes it;
   * the password file is read here, so that {@code check} finds a file that cannot be read.
   */
  private final class RedisKeys {
    private static final Pattern URL = Pattern.compile(
        "(?<scheme>rediss?)://(?:(?<userinfo>.*)@)?(?<host>\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9.-]+)(?::(?<port>[0-9]{1,5}))?(?:/(?<db>[0-9]{1,4})?)?");
    private static final Pattern TIMEOUT = Pattern.compile("([0-9]{1,6})\\s*(ms|s)");
    private static final Pattern PREFIX = Pattern.compile("[!-~&&[^{}]]{1,64}");
    private static final int MAX_PASSWORD_BYTES = 1024;

    RedisSettings settings(Map<String, BucketLimit> tiers, Map<String, ToolPolicy> tools) {
      boolean cluster = single(Kind.STORE_REDIS_CLUSTER, false, Values::bool);
      RedisSettings url = single(Kind.STORE_REDIS_URL, RedisSettings.local(6379), this::url);
      if (cluster && url.database() != 0) {
        entries(Kind.STORE_REDIS_URL).forEach(keyed ->
            problem(keyed.entry, "a Redis Cluster has only database 0; drop /" + url.database() + " from the URL"));
      }
      String password = single(Kind.STORE_REDIS_PASSWORD_FILE, null, this::passwordFile);
      if (password != null && url.password() != null) {
        entries(Kind.STORE_REDIS_PASSWORD_FILE).forEach(keyed ->
            problem(keyed.entry, "store.redis.url holds a password already; give it in one place"));
      }
      Duration timeout = single(Kind.STORE_REDIS_TIMEOUT, RedisSettings.DEFAULT_TIMEOUT, this::timeout);
      String prefix = single(Kind.STORE_REDIS_KEY_PREFIX, RedisSettings.DEFAULT_KEY_PREFIX, value -> {
        if (!PREFIX.matcher(value).matches()) {
          throw new BadValue("a key prefix is 1 to 64 printable ASCII characters without spaces, '{' or '}'"
              + " (braces make hash tags)");
        }
        return value;
      });
      String trustStore = single(Kind.STORE_REDIS_TRUST_STORE, null, this::trustStore);
      if (trustStore != null && !url.tls()) {
        entries(Kind.STORE_REDIS_TRUST_STORE).forEach(keyed ->
            problem(keyed.entry, "a trust store is for TLS; write the URL as rediss://"));
      }
      OnOutage onOutage = single(Kind.STORE_REDIS_ON_OUTAGE, OnOutage.LOCAL, value -> Values.choice(value, OnOutage.class));
      double share = single(Kind.STORE_REDIS_OUTAGE_SHARE, 1.0, this::share);
      entries(Kind.STORE).forEach(keyed -> checkExact(keyed.entry, tiers, tools));
      return new RedisSettings(url.host(), url.port(), url.database(), url.user(),
          password != null ? password : url.password(), timeout, prefix, onOutage, share, cluster, url.tls(),
          trustStore);
    }

    private RedisSettings url(String value) throws BadValue {
      Matcher m = URL.matcher(value);
      if (!m.matches()) {
        // Never quoted: it may hold a password.
        throw new BadValue("not a Redis URL; write redis://[user:password@]host[:port][/db] (rediss:// for TLS)");
      }
      int port = m.group("port") == null ? 6379 : Integer.parseInt(m.group("port"));
      if (port < 1 || port > 65535) {
        throw new BadValue("the port must be 1 to 65535, not " + port);
      }
      String host = m.group("host").replace("[", "").replace("]", "");
      int db = m.group("db") == null ? 0 : Integer.parseInt(m.group("db"));
      RedisSettings settings = RedisSettings.local(port);
      settings = new RedisSettings(host, port, db, null, null, settings.timeout(), settings.keyPrefix(),
          settings.onOutage(), settings.outageShare(), false, m.group("scheme").equals("rediss"), null);
      String userinfo = m.group("userinfo");
      if (userinfo == null) {
        return settings;
      }
      int colon = userinfo.indexOf(':');
      if (colon < 0 || colon == userinfo.length() - 1) {
        throw new BadValue("the URL has a user but no password; write redis://user:password@host, "
            + "redis://:password@host, or use store.redis.password-file");
      }
      return settings.withPassword(colon == 0 ? null : userinfo.substring(0, colon), userinfo.substring(colon + 1));
    }

    private String passwordFile(String value) throws BadValue {
      byte[] bytes;
      try {
        Path path = Path.of(value);
        if (!Files.isRegularFile(path) || Files.size(path) > MAX_PASSWORD_BYTES) {
          throw new BadValue("cannot read the password from " + ProblemReport.quoted(value)
              + ": not a regular file of at most " + MAX_PASSWORD_BYTES + " bytes");
        }
        bytes = Files.readAllBytes(path);
      } catch (IOException | InvalidPathException e) {
        throw new BadValue("cannot read the password from " + ProblemReport.quoted(value) + " ("
            + e.getClass().getSimpleName() + ")");
      }
      String password = new String(bytes, StandardCharsets.UTF_8).replaceFirst("\\r?\\n\\z", "");
      if (password.isEmpty()) {
        throw new BadValue("the password file " + ProblemReport.quoted(value) + " is empty");
      }
      return password;
    }

    /** Read here too, so that {@code check} finds a file that is not a PEM file of certificates. */
    private String trustStore(String value) throws BadValue {
      try {
        RedisTls.trusting(Path.of(value));
      } catch (IllegalArgumentException e) {
        throw new BadValue("cannot use " + ProblemReport.quoted(value) + " as a trust store: " + e.getMessage());
      }
      return value;
    }

    private Duration timeout(String value) throws BadValue {
      Matcher m = TIMEOUT.matcher(value);
      if (!m.matches()) {
        throw new BadValue(ProblemReport.quoted(value) + " is not a duration; write e.g. 50ms or 1s");
      }
      long amount = Long.parseLong(m.group(1));
      Duration timeout = m.group(2).equals("s") ? Duration.ofSeconds(amount) : Duration.ofMillis(amount);
      if (timeout.isZero() || timeout.compareTo(Duration.ofSeconds(10)) > 0) {
        throw new BadValue("the timeout must be from 1ms to 10s, not " + ProblemReport.quoted(value));
      }
      return timeout;
    }

    private double share(String value) throws BadValue {
      double share;
      try {
        share = Double.parseDouble(value);
      } catch (NumberFormatException e) {
        throw new BadValue(ProblemReport.quoted(value) + " is not a number");
      }
      if (!value.matches("[0-9]*\\.?[0-9]+") || !(share > 0) || share > 1) {
        throw new BadValue("the share must be above 0 and at most 1, e.g. 0.5, not " + ProblemReport.quoted(value)
            + " (on-outage=reject refuses every call)");
      }
      return share;
    }

    /** Every limit must be exact in Lua (see RedisBucketStore#checkExact); told at the store line. */
    private void checkExact(Entry storeLine, Map<String, BucketLimit> tiers, Map<String, ToolPolicy> tools) {
      Map<String, BucketLimit> limits = new TreeMap<>();
      tiers.forEach((tier, limit) -> limits.put("tier " + tier, limit));
      tools.values().forEach(tool -> {
        tool.tierLimits().forEach((tier, limit) -> limits.put("tool " + tool.name() + " on tier " + tier, limit));
        if (tool.global() != null) {
          limits.put("tool " + tool.name() + " (global)", tool.global());
        }
      });
      limits.forEach((what, limit) -> RedisBucketStore.checkExact(limit)
          .ifPresent(reason -> problem(storeLine, what + ": " + reason)));
    }
  }

  private static String tierName(String value, Map<String, BucketLimit> tiers) throws BadValue {
    if (!tiers.containsKey(value)) {
      throw new BadValue(unknownTier(value, tiers));
    }
    return value;
  }

  private static String unknownTier(String tier, Map<String, BucketLimit> tiers) {
    return "unknown tier " + ProblemReport.quoted(tier) + " (tiers: " + String.join(", ", new TreeSet<>(tiers.keySet())) + ")";
  }

  @FunctionalInterface
  private interface ValueParser<T> {
    T parse(String value) throws BadValue;
  }

  private List<Keyed> entries(Kind kind) {
    return byKind.getOrDefault(kind, List.of());
  }

  /** The parsed value of a key that may appear once, or {@code fallback} when absent or invalid. */
  private <T> T single(Kind kind, T fallback, ValueParser<T> parser) {
    List<Keyed> entries = entries(kind);
    if (entries.isEmpty()) {
      return fallback;
    }
    T value = value(entries.get(0).entry, parser);
    return value != null ? value : fallback;
  }

  /** The parsed value, or {@code null} after recording the problem. */
  private <T> T value(Entry entry, ValueParser<T> parser) {
    try {
      return parser.parse(entry.value());
    } catch (BadValue e) {
      problem(entry, e.getMessage());
      return null;
    }
  }

  private void problem(Entry entry, String message) {
    problems.add(new ConfigProblem(file, entry.line(), entry.key(), message));
  }
}
