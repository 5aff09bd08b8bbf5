package dev.mcpratelimit.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

class AgentLogTest {

  @Test
  void aHostsLoggingSetupDoesNotSilenceIt() {
    AgentLog.fine("initializes the agent's logger");
    Logger root = Logger.getLogger("");
    Level rootLevel = root.getLevel();
    try {
      // Spring Boot with logging.level.root=WARN sets JUL's root level so; others reset JUL altogether.
      root.setLevel(Level.WARNING);
      LogManager.getLogManager().reset();
      List<String> seen = new ArrayList<>();
      AgentLog.info("first line after the reset");
      Logger agent = Logger.getLogger(AgentLog.NAME);
      assertEquals(Level.INFO, agent.getLevel());
      assertTrue(Arrays.stream(agent.getHandlers()).anyMatch(handler -> handler.getClass().getName().startsWith(
          AgentLog.class.getName() + "$")), "the agent's own stderr handler is back");
      agent.addHandler(new Handler() {
        @Override
        public void publish(LogRecord record) {
          seen.add(record.getMessage());
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      });
      AgentLog.info("an info line");
      assertEquals(List.of("an info line"), seen);
      assertEquals(1, Arrays.stream(agent.getHandlers()).filter(handler -> handler.getClass().getName().startsWith(
          AgentLog.class.getName() + "$")).count(), "never a second stderr handler (each line would print twice)");
    } finally {
      LogManager.getLogManager().reset();
      root.setLevel(rootLevel);
    }
  }

  @Test
  void aLevelTheOperatorSetForItsLoggerIsKept() {
    Logger agent = Logger.getLogger(AgentLog.NAME);
    try {
      agent.setLevel(Level.ALL); // e.g. mcp.ratelimit.level=ALL in a JUL configuration file
      AgentLog.fine("a fine line");
      assertEquals(Level.ALL, agent.getLevel());
    } finally {
      agent.setLevel(null);
    }
  }
}
