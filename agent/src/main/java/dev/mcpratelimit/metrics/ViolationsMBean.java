package dev.mcpratelimit.metrics;

import javax.management.openmbean.TabularData;

/**
 * {@code dev.mcpratelimit:type=Violations}: who is refused most, and who persistently. A standard
 * MBean, not an MXBean: an MXBean would turn the {@code TabularData} into a bean of its getters.
 */
public interface ViolationsMBean {

  int getPersistentViolators();

  long getWindowSeconds();

  long getThreshold();

  /** Rows of caller, tier and rejections within the window, most first, at most the top N. */
  TabularData getTopViolators();
}
