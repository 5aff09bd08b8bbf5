package dev.mcpratelimit.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

class InternalErrorsTest {

  @Test
  void countsEveryErrorAndLogsEachKindOnce() {
    InternalErrors errors = new InternalErrors();
    List<String> logged = new ArrayList<>();
    Handler capture = new Handler() {
      @Override
      public void publish(LogRecord record) {
        logged.add(record.getMessage());
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    AgentLog.fine("init");
    Logger.getLogger(AgentLog.NAME).addHandler(capture);
    try {
      for (int i = 0; i < 1000; i++) {
        errors.record("tools/call", new IllegalStateException("boom " + i));
      }
      errors.record("tools/call", new NullPointerException());
      errors.record("limited method", new IllegalStateException("boom"));
    } finally {
      Logger.getLogger(AgentLog.NAME).removeHandler(capture);
    }
    assertEquals(1002, errors.count());
    assertEquals(3, logged.size(), String.join("\n", logged));
  }
}
