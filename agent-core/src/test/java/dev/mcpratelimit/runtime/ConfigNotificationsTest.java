package dev.mcpratelimit.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcpratelimit.metrics.AgentMBeans;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.management.Notification;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A file that appears, becomes invalid and valid again: each notified once over JMX and counted. */
class ConfigNotificationsTest {

  @TempDir
  Path dir;

  @Test
  void aFileThatAppearsBreaksAndIsFixedIsNotifiedEachTime() throws Exception {
    TestRuntime test = new TestRuntime(dir, null);
    List<Notification> received = new ArrayList<>();
    test.runtime.registerMBeans();
    test.server.addNotificationListener(new ObjectName("dev.mcpratelimit:type=Limiter"),
        (notification, handback) -> received.add(notification), null, null);
    assertEquals("none", test.operator().getMode());
    assertFalse(test.operator().isConfigValid());

    test.rewrite("tier.free.rate=10/min\n");
    assertEquals("enforce", test.operator().getMode());
    assertEquals(1, test.operator().getReloadCount(), "a file that appeared after the start is a reload");

    test.rewrite("mode=loud\n");
    assertFalse(test.operator().isConfigValid());
    assertEquals("enforce", test.operator().getMode(), "the last good configuration stays");

    test.rewrite("mode=shadow\n");
    assertTrue(test.operator().isConfigValid());
    assertEquals(2, test.operator().getReloadCount());

    assertEquals(List.of(AgentMBeans.RELOAD, AgentMBeans.CONFIG_INVALID, AgentMBeans.RELOAD),
        received.stream().map(Notification::getType).toList());
    assertEquals(test.file + ": valid; mode enforce, limits are in force (there were none until now)",
        received.get(0).getMessage());
    assertEquals(Map.of("file", test.file.toString(), "problems", 1, "lastGoodInForce", true),
        received.get(1).getUserData());
    assertEquals(test.file + ": valid again, reloaded; mode shadow, the new limits are in force",
        received.get(2).getMessage());
  }
}
