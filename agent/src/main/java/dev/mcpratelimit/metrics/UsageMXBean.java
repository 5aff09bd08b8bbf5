package dev.mcpratelimit.metrics;

/** {@code dev.mcpratelimit:type=Usage,tier=<tier>,tool=<tool>}: the calls of one tier to one tool. */
public interface UsageMXBean {

  long getAllowed();

  long getRejected();

  long getShadowRejected();

  long getTokensConsumed();
}
