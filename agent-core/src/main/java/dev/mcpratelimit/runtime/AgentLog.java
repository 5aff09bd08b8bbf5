package dev.mcpratelimit.runtime;

import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.StreamHandler;

/**
 * The agent's log: {@code java.util.logging} logger {@value #NAME}, so no logging library is
 * forced on the host. By default it writes one line per message to stderr (never stdout: on a
 * stdio server stdout is the protocol). With {@code -Dmcp.ratelimit.log=jul} it uses the host's
 * JUL handlers instead.
 */
public final class AgentLog {

  public static final String NAME = "mcp.ratelimit";
  private static final Logger LOGGER = configure(Logger.getLogger(NAME));

  private AgentLog() {}

  private static Logger configure(Logger logger) {
    if (!"jul".equals(System.getProperty("mcp.ratelimit.log"))) {
      logger.setUseParentHandlers(false);
      Handler stderr = new StreamHandler(System.err, new OneLine()) {
        @Override
        public synchronized void publish(LogRecord record) {
          super.publish(record);
          flush();
        }

        /** The log manager closes handlers at exit; closing would close the host's System.err too. */
        @Override
        public synchronized void close() {
          flush();
        }
      };
      stderr.setLevel(Level.ALL);
      logger.addHandler(stderr);
    }
    return logger;
  }

  public static void info(String message) {
    LOGGER.info(message);
  }

  public static void warning(String message) {
    LOGGER.warning(message);
  }

  public static void fine(String message) {
    LOGGER.fine(message);
  }

  private static final class OneLine extends Formatter {
    @Override
    public String format(LogRecord record) {
      return "[mcp-ratelimit] " + record.getLevel().getName() + " " + formatMessage(record) + System.lineSeparator();
    }
  }
}
