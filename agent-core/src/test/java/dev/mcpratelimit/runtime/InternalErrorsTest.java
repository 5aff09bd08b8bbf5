package dev.mcpratelimit.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class InternalErrorsTest {

  @Test
  void countsEveryErrorAndLogsEachKindOnce() {
    InternalErrors errors = new InternalErrors();
    List<String> logged;
    try (LoggedLines lines = LoggedLines.listen()) {
      for (int i = 0; i < 1000; i++) {
        errors.record("tools/call", new IllegalStateException("boom " + i));
      }
      errors.record("tools/call", new NullPointerException());
      errors.record("limited method", new IllegalStateException("boom"));
      logged = lines.messages();
    }
    assertEquals(1002, errors.count());
    assertEquals(3, logged.size(), String.join("\n", logged));
  }
}
