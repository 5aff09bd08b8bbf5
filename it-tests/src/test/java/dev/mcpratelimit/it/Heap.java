package dev.mcpratelimit.it;

import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;

/** A forked JVM's heap, read through its platform MXBean (see {@link ForkedServer#jmx()}). */
final class Heap {

  private Heap() {}

  /**
   * Heap used after two full collections. With the serial collector (ForkedServer's default),
   * gc() is a full, compacting collection: what is left is what is live.
   */
  static long usedAfterGc(MBeanServerConnection mbeans) throws Exception {
    ObjectName memory = new ObjectName("java.lang:type=Memory");
    mbeans.invoke(memory, "gc", new Object[0], new String[0]);
    mbeans.invoke(memory, "gc", new Object[0], new String[0]);
    CompositeData heap = (CompositeData) mbeans.getAttribute(memory, "HeapMemoryUsage");
    return (Long) heap.get("used");
  }
}
