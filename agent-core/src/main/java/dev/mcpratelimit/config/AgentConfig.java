package dev.mcpratelimit.config;

import dev.mcpratelimit.core.BucketLimit;
import dev.mcpratelimit.core.Policy;
import dev.mcpratelimit.core.Rate;
import dev.mcpratelimit.core.ToolPolicy;
import dev.mcpratelimit.identity.IdentitySettings;
import dev.mcpratelimit.store.RedisSettings;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A whole, validated configuration: the limiting policy plus everything the agent around it needs.
 * Inert data: the runtime builds its services from it.
 *
 * @param source the file it came from, or {@code null} for the built-in defaults
 * @param policy the file's limits, before the agent adds its status tool and operators their overrides
 * @param identity how callers are told apart
 * @param headers the rate-limit headers HTTP responses get
 * @param redis the Redis store's settings with {@code store=redis}, {@code null} with {@code store=memory}
 * @param warnings what is legal but odd in the file (a tool some tier can never call), reported
 *     when the file is put in force
 */
public record AgentConfig(
    Path source,
    Policy policy,
    IdentitySettings identity,
    List<MethodTarget> methods,
    int rejectHttpStatus,
    HeaderSet headers,
    long maxBuckets,
    Violations violations,
    RedisSettings redis,
    List<ConfigProblem> warnings) {

  /** The agent's own tool; it is never charged to the caller's tier bucket. */
  public static final String STATUS_TOOL = "rate_limit_status";
  /** The status tool's per-caller limit on every tier the file gives none: looking is cheap, flooding is refused. */
  public static final BucketLimit STATUS_TOOL_LIMIT = new BucketLimit(10, Rate.perMinute(30));

  /**
   * When a caller counts as a persistent violator: more than {@code threshold} rejections within
   * {@code windowSeconds}; {@code top} callers are shown by recent rejections.
   */
  public record Violations(long windowSeconds, long threshold, int top) {}

  /**
   * The status tool as it is charged: the file's cost, global limit and denied tiers, and its own
   * limit on every tier the file gives none ({@link #STATUS_TOOL_LIMIT}).
   *
   * @param configured the file's {@code tool.rate_limit_status.*} settings, {@code null} if none
   */
  public static ToolPolicy statusTool(ToolPolicy configured, Set<String> tiers) {
    Map<String, BucketLimit> limits = new HashMap<>(configured == null ? Map.of() : configured.tierLimits());
    tiers.forEach(tier -> limits.putIfAbsent(tier, STATUS_TOOL_LIMIT));
    return configured == null
        ? new ToolPolicy(STATUS_TOOL, 1, limits, null)
        : new ToolPolicy(STATUS_TOOL, configured.cost(), limits, configured.global(), configured.deniedTiers());
  }

  public AgentConfig {
    methods = List.copyOf(methods);
    warnings = List.copyOf(warnings);
  }

  /** What the agent runs with when no file is given: parsed once, then shared (it is immutable). */
  public static AgentConfig defaults() {
    return Defaults.CONFIG;
  }

  private static final class Defaults {
    static final AgentConfig CONFIG = parse();

    private static AgentConfig parse() {
      try {
        return ConfigParser.parse(null, "");
      } catch (InvalidConfigException e) {
        throw new IllegalStateException("built-in defaults are invalid", e);
      }
    }
  }
}
