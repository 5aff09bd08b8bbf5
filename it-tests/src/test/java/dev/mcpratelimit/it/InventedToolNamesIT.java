package dev.mcpratelimit.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcpratelimit.it.RawMcpClient.Response;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tool names come from clients: 100 calls of tools the server does not have, each with a distinct
 * 1 MB name, leave the agent's heap, log and JMX beans as they were. They are charged to the
 * caller's tier bucket under the one label {@code (unknown)}, and a rejection never echoes them.
 */
class InventedToolNamesIT {

  private static final int CALLS = 100;
  private static final int NAME_BYTES = 1 << 20;
  private static final long MAX_HEAP_GROWTH = 5L << 20;
  private static final long MAX_STDERR_GROWTH = 100L << 10;

  @Test
  void distinctOneMegabyteNamesLeaveHeapLogAndBeansBounded(@TempDir Path dir) throws Exception {
    // Enough burst that the SDK answers most calls itself (unknown tool), and the agent refuses the rest.
    Path config = ConfigFile.write(dir, "ratelimit.properties", "tier.free.rate=60/h", "tier.free.burst=60",
        "reject.http-status=429");
    try (ForkedServer server = ForkedServer.sampleServer().agent(config).jvmOption("-Xmx256m").start();
         JMXConnector jmx = server.jmx()) {
      server.assertAgentStarted("enforce");
      MBeanServerConnection mbeans = jmx.getMBeanServerConnection();
      RawMcpClient client = RawMcpClient.connect(server);
      client.callTool("get_track", Calls.TRACK).assertToolResult("a real tool first");
      long heapBefore = Heap.usedAfterGc(mbeans);
      long stderrBefore = stderrBytes(server);

      int refused = 0;
      for (int i = 0; i < CALLS; i++) {
        String name = String.format("%07d", i) + "x".repeat(NAME_BYTES - 7);
        Response response = client.callTool(name, Map.of());
        if (response.status() == 429) {
          refused++;
          assertEquals("(unknown)", response.rateLimited().tool(), "the name is never echoed");
          assertTrue(response.body().length() < 2048, () -> "a refusal of " + response.body().length() + " bytes");
        }
      }
      long heapAfter = Heap.usedAfterGc(mbeans);
      long stderrAfter = stderrBytes(server);
      System.out.printf("invented names: %d calls, %d refused; heap after gc %d -> %d KiB; stderr +%d bytes%n",
          CALLS, refused, heapBefore >> 10, heapAfter >> 10, stderrAfter - stderrBefore);

      assertEquals(CALLS - 59, refused, "60 tokens: the real call and 59 invented ones");
      assertTrue(heapAfter - heapBefore < MAX_HEAP_GROWTH,
          () -> "heap grew by " + ((heapAfter - heapBefore) >> 10) + " KiB");
      assertTrue(stderrAfter - stderrBefore < MAX_STDERR_GROWTH,
          () -> "stderr grew by " + (stderrAfter - stderrBefore) + " bytes");
      Set<ObjectName> usage = mbeans.queryNames(new ObjectName("dev.mcpratelimit:type=Usage,*"), null);
      assertEquals(2, usage.size(), () -> "one bean for get_track, one for the unknown tools: " + usage);
      assertTrue(usage.contains(new ObjectName("dev.mcpratelimit:type=Usage,tier=free,tool=(unknown)")), usage::toString);
      usage.forEach(name -> assertTrue(name.toString().length() < 200, name::toString));
    }
  }

  @Test
  void callsWithoutAUsableNameAreChargedToo(@TempDir Path dir) throws Exception {
    Path config = ConfigFile.write(dir, "ratelimit.properties", "tier.free.rate=3/h", "tier.free.burst=3",
        "reject.http-status=429");
    try (ForkedServer server = ForkedServer.sampleServer().agent(config).start()) {
      server.assertAgentStarted("enforce");
      RawMcpClient client = RawMcpClient.connect(server);
      List<Map<String, Object>> nameless = List.of(Map.of("arguments", Map.of()), Map.of("name", 42));
      int refused = 0;
      for (int i = 0; i < 6; i++) {
        Response response = client.request("tools/call", nameless.get(i % 2));
        if (response.status() == 429) {
          refused++;
          assertEquals("(unknown)", response.rateLimited().tool());
        }
      }
      assertEquals(3, refused, "3 tokens: the SDK answers the first 3, the agent refuses the rest");
    }
  }

  private static long stderrBytes(ForkedServer server) {
    return server.stderr().stream().mapToLong(line -> line.getBytes(StandardCharsets.UTF_8).length + 1L).sum();
  }
}
