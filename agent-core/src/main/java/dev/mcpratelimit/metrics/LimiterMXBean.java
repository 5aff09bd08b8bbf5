package dev.mcpratelimit.metrics;

/**
 * {@code dev.mcpratelimit:type=Limiter}: the limiter as a whole, and the operator's levers. Each
 * operation returns one line saying what it changed.
 */
public interface LimiterMXBean {

  @Description("enforce, shadow or off; none while no valid configuration is in force (then nothing is limited)")
  String getMode();

  @Description("true in mode enforce: calls over a limit are rejected")
  boolean isEnforcing();

  @Description("true in mode shadow: calls over a limit are counted as shadow-rejected and let through")
  boolean isShadow();

  @Description("the properties file the agent reads every 500 ms, or (built-in defaults)")
  String getConfigFile();

  @Description("the agent's version")
  String getVersion();

  @Description("whether the configuration file as last read is valid (if not, the last good one stays in force)")
  boolean isConfigValid();

  @Description("changed configuration files put in force since start (neither the first load nor invalid edits count)")
  long getReloadCount();

  @Description("token buckets the store holds now (bounded by store.memory.max-buckets)")
  long getTrackedBuckets();

  @Description("MCP tool calls allowed since start (limited methods count in their MethodUsage beans)")
  long getAllowedTotal();

  @Description("MCP tool calls rejected with the rate-limit error since start")
  long getRejectedTotal();

  @Description("MCP tool calls over a limit in shadow mode since start, let through without being charged")
  long getShadowRejectedTotal();

  @Description("tokens taken by allowed MCP tool calls since start (calls times each tool's cost)")
  long getTokensConsumedTotal();

  @Description("failures inside the agent; each let its call through unlimited")
  long getInternalErrors();

  @Description("buckets dropped by the size bound while still owing tokens (should stay 0)")
  long getForgivenEvictions();

  @Description("every tier's rate and burst are multiplied by this (1 unless scaleRates is in force)")
  double getRateFactor();

  @Description("operator overrides in force: tier overrides and rate scaling")
  int getActiveOverrides();

  /** An operation, not a setter: "set" would make Mode a writable attribute. */
  @Description("Set the mode: enforce, shadow (count, never reject) or off. Holds until the file is next reloaded.")
  String changeMode(@Description(name = "mode", value = "enforce, shadow or off") String mode);

  @Description("Give a caller another tier for some minutes; it keeps its tokens, capped at the new burst.")
  String overrideTier(
      @Description(name = "caller", value = "a configured caller id, or anon:<address>") String caller,
      @Description(name = "tier", value = "a configured tier name") String tier,
      @Description(name = "minutes", value = "how long, after which the override ends by itself") int minutes);

  @Description("Forget a caller's buckets: its next call starts with full buckets.")
  String resetCaller(@Description(name = "caller", value = "a configured caller id, or anon:<address>") String caller);

  @Description("Emergency override: multiply every tier's rate and burst by a factor for some minutes.")
  String scaleRates(
      @Description(name = "factor", value = "above 0, at most 1000: 0.5 halves every tier's rate and burst, 2 doubles them")
          double factor,
      @Description(name = "minutes", value = "how long, after which the scaling ends by itself") int minutes);

  @Description("End every tier override and rate scaling now.")
  String clearOverrides();
}
