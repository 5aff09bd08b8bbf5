package dev.mcpratelimit.metrics;

import javax.management.openmbean.TabularData;

/** {@code dev.mcpratelimit:type=Violations}: who is refused most, and who persistently. */
public interface ViolationsMXBean {

  int getPersistentViolators();

  long getWindowSeconds();

  long getThreshold();

  /** Rows of caller, tier and rejections within the window, most first, at most the top N. */
  TabularData getTopViolators();
}
