package dev.mcpratelimit.config;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The keys a configuration file may hold, and the nearest one to a key that is not among them. */
final class ConfigKeys {

  /** One kind of key; {@code *} in its template stands for a name the operator chooses. */
  enum Kind {
    TIER_RATE("tier.*.rate"),
    TIER_BURST("tier.*.burst"),
    DEFAULT_TIER("default-tier"),
    IDENTITY_HEADER("identity.header"),
    IDENTITY_REQUIRE_KEY("identity.require-key"),
    TRUSTED_PROXIES("trusted-proxies"),
    CALLER_KEY("caller.*.api-key-sha256"),
    CALLER_TIER("caller.*.tier"),
    STDIO_CALLER("stdio.caller"),
    TOOL_COST("tool.*.cost"),
    TOOL_TIER_RATE("tool.*.tier.*.rate"),
    TOOL_TIER_BURST("tool.*.tier.*.burst"),
    TOOL_TIER_ALLOWED("tool.*.tier.*.allowed"),
    TOOL_GLOBAL_RATE("tool.*.global.rate"),
    TOOL_GLOBAL_BURST("tool.*.global.burst"),
    METHOD_TARGET("method.*.target"),
    METHOD_COST("method.*.cost"),
    MODE("mode"),
    REJECT_HTTP_STATUS("reject.http-status"),
    HEADERS("headers"),
    STORE("store"),
    STORE_MEMORY_MAX_BUCKETS("store.memory.max-buckets"),
    STORE_REDIS_URL("store.redis.url"),
    STORE_REDIS_PASSWORD_FILE("store.redis.password-file"),
    STORE_REDIS_TRUST_STORE("store.redis.trust-store"),
    STORE_REDIS_CLUSTER("store.redis.cluster"),
    STORE_REDIS_TIMEOUT("store.redis.timeout"),
    STORE_REDIS_KEY_PREFIX("store.redis.key-prefix"),
    STORE_REDIS_ON_OUTAGE("store.redis.on-outage"),
    STORE_REDIS_OUTAGE_SHARE("store.redis.outage-share"),
    VIOLATIONS_WINDOW_SECONDS("violations.window-seconds"),
    VIOLATIONS_THRESHOLD("violations.threshold"),
    VIOLATIONS_TOP("violations.top");

    final String template;
    final Pattern pattern;

    Kind(String template) {
      this.template = template;
      // Names are greedy from the left so that tool names may contain dots.
      this.pattern = Pattern.compile(template.replace(".", "\\.").replace("*", "(.+)"));
    }
  }

  /** A key matched to its kind, with the names it holds (tier, caller, tool or method names). */
  record Parsed(Kind kind, List<String> names) {
    String name() {
      return names.get(0);
    }
  }

  /** No known key is longer; matching or suggesting for a longer one would only cost time. */
  static final int MAX_KEY_LENGTH = 256;

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]+");
  private static final Pattern TOOL_NAME = Pattern.compile("[A-Za-z0-9_.-]+");

  private ConfigKeys() {}

  /** The kind of {@code key}, or {@code null} if it is not a key this agent knows. */
  static Parsed parse(String key) {
    if (key.length() > MAX_KEY_LENGTH) {
      return null;
    }
    for (Kind kind : Kind.values()) {
      Matcher m = kind.pattern.matcher(key);
      if (m.matches() && namesValid(kind, m)) {
        String[] names = new String[m.groupCount()];
        for (int g = 1; g <= m.groupCount(); g++) {
          names[g - 1] = m.group(g);
        }
        return new Parsed(kind, List.of(names));
      }
    }
    return null;
  }

  private static boolean namesValid(Kind kind, Matcher m) {
    for (int g = 1; g <= m.groupCount(); g++) {
      boolean toolName = g == 1 && (kind.template.startsWith("tool.") || kind.template.startsWith("method."));
      if (!(toolName ? TOOL_NAME : NAME).matcher(m.group(g)).matches()) {
        return false;
      }
    }
    return true;
  }

  /**
   * Why {@code key} (not a known key) is unknown, for the operator: a character no key may hold
   * (which makes it look like a known key when it is not), too long, or the nearest known key.
   *
   * @param column the 1-based column where the key starts on its line
   * @param suggest whether to look for the nearest known key (an edit distance per kind of key)
   */
  static String unknown(String key, int column, boolean suggest) {
    for (int i = 0, at = column; i < key.length(); at++) {
      int c = key.codePointAt(i);
      if (c <= 0x20 || c >= 0x7f) {
        return "unknown key: " + characterKind(c) + " U+" + String.format("%04X", c) + " at column " + at;
      }
      i += Character.charCount(c);
    }
    if (key.length() > MAX_KEY_LENGTH) {
      return "unknown key: longer than any key (" + key.length() + " characters, at most " + MAX_KEY_LENGTH + ")";
    }
    String suggestion = suggest ? suggest(key) : null;
    if (key.equals(suggestion)) {
      // The key has the shape of a known one: a name in it is what is wrong.
      return "unknown key: names may hold only letters, digits, '_' and '-' (tool and method names also '.')";
    }
    return "unknown key" + (suggestion == null ? "" : " (did you mean " + suggestion + "?)");
  }

  private static String characterKind(int c) {
    if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
      return "whitespace";
    }
    if (Character.isISOControl(c)) {
      return "control character";
    }
    return Character.getType(c) == Character.FORMAT ? "invisible character" : "non-ASCII character";
  }

  /** The known key nearest to {@code key} by edit distance, or {@code null} if none is close. */
  static String suggest(String key) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    String[] segments = key.split("\\.", -1);
    for (Kind kind : Kind.values()) {
      String candidate = fill(kind.template, segments);
      int distance = distance(key, candidate);
      if (distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    return bestDistance <= Math.max(2, key.length() / 4) ? best : null;
  }

  /** The template with each {@code *} replaced by the key's segment at the same position. */
  private static String fill(String template, String[] keySegments) {
    String[] parts = template.split("\\.");
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < parts.length; i++) {
      if (i > 0) {
        out.append('.');
      }
      out.append(parts[i].equals("*") && i < keySegments.length ? keySegments[i] : parts[i]);
    }
    return out.toString();
  }

  private static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
