package dev.mcpratelimit.metrics;

/**
 * The calls of one tier to one MCP tool ({@code dev.mcpratelimit:type=Usage,tier=<tier>,tool=<tool>})
 * or to one limited plain method ({@code type=MethodUsage,tier=<tier>,method=<name>}).
 */
public interface UsageMXBean {

  @Description("calls allowed by every bucket that applies, each charged its cost")
  long getAllowed();

  @Description("calls refused with the rate-limit error (no bucket was charged)")
  long getRejected();

  @Description("calls over a limit in shadow mode, let through without being charged")
  long getShadowRejected();

  @Description("calls refused because the tier may never call the tool (allowed=false, or a cost above a burst)")
  long getUnavailable();

  @Description("tokens taken by the allowed calls (calls times the cost)")
  long getTokensConsumed();
}
