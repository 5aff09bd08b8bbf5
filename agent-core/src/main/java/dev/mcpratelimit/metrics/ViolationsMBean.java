package dev.mcpratelimit.metrics;

import javax.management.openmbean.TabularData;

/**
 * {@code dev.mcpratelimit:type=Violations}: who is refused most, and who persistently. A standard
 * MBean, not an MXBean: an MXBean would turn the {@code TabularData} into a bean of its getters.
 */
public interface ViolationsMBean {

  @Description("callers with more than Threshold rejections within the last WindowSeconds")
  int getPersistentViolators();

  @Description("the sliding window over which rejections per caller are counted, in seconds (violations.window-seconds)")
  long getWindowSeconds();

  @Description("rejections within the window above which a caller is a persistent violator (violations.threshold)")
  long getThreshold();

  /** Rows of caller, tier and rejections within the window, most first, at most the top N. */
  @Description("the callers with the most rejections within the window, most first (at most violations.top rows)")
  TabularData getTopViolators();
}
