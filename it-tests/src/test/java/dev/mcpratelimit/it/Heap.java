package dev.mcpratelimit.it;

import com.sun.tools.attach.VirtualMachine;
import java.io.IOException;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/** A forked JVM seen as jconsole sees it: through its local JMX connector. */
final class RemoteJvm {

  private RemoteJvm() {}

  /** Connects to the JVM's local JMX connector, starting it if need be (as jconsole does). */
  static JMXConnector connect(long pid) throws Exception {
    VirtualMachine vm = VirtualMachine.attach(String.valueOf(pid));
    String address;
    try {
      address = vm.startLocalManagementAgent();
    } finally {
      vm.detach();
    }
    return JMXConnectorFactory.connect(new JMXServiceURL(address));
  }

  /**
   * Heap used after two full collections, read through the platform MXBean. With the serial
   * collector (ForkedServer's default), gc() is a full, compacting collection: what is left is live.
   */
  static long usedHeapAfterGc(MBeanServerConnection mbeans) throws Exception {
    ObjectName memory = new ObjectName("java.lang:type=Memory");
    mbeans.invoke(memory, "gc", new Object[0], new String[0]);
    mbeans.invoke(memory, "gc", new Object[0], new String[0]);
    CompositeData heap = (CompositeData) mbeans.getAttribute(memory, "HeapMemoryUsage");
    return (Long) heap.get("used");
  }
}
