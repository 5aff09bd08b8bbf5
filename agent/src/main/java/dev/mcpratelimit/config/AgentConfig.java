package dev.mcpratelimit.config;

import dev.mcpratelimit.core.Policy;
import dev.mcpratelimit.identity.IdentitySettings;
import java.nio.file.Path;
import java.util.List;

/**
 * A whole, validated configuration: the limiting policy plus everything the agent around it needs.
 * Inert data: the runtime builds its services from it.
 *
 * @param source the file it came from, or {@code null} for the built-in defaults
 * @param policy the file's limits, before the agent adds its status tool and operators their overrides
 * @param identity how callers are told apart
 */
public record AgentConfig(
    Path source,
    Policy policy,
    IdentitySettings identity,
    List<MethodTarget> methods,
    int rejectHttpStatus,
    long maxBuckets,
    Violations violations) {

  /**
   * When a caller counts as a persistent violator: more than {@code threshold} rejections within
   * {@code windowSeconds}; {@code top} callers are shown by recent rejections.
   */
  public record Violations(long windowSeconds, long threshold, int top) {}

  public AgentConfig {
    methods = List.copyOf(methods);
  }

  /** What the agent runs with when no file is given. */
  public static AgentConfig defaults() {
    try {
      return ConfigParser.parse(null, "");
    } catch (InvalidConfigException e) {
      throw new IllegalStateException("built-in defaults are invalid", e);
    }
  }
}
