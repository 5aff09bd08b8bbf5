package dev.mcpratelimit.runtime;

import java.util.ArrayList;
import java.util.List;
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
  private static final boolean OWN = !"jul".equals(System.getProperty("mcp.ratelimit.log"));
  private static final Handler STDERR = stderrHandler();
  private static final Logger LOGGER = configure(Logger.getLogger(NAME));

  private AgentLog() {}

  private static Logger configure(Logger logger) {
    if (OWN) {
      logger.setUseParentHandlers(false);
      if (logger.getLevel() == null) {
        logger.setLevel(Level.INFO); // an operator's own level (JUL configuration) stays
      }
      if (!hasOwnHandler(logger)) {
        logger.addHandler(STDERR);
      }
    }
    return logger;
  }

  /**
   * Writing to stderr, the agent's log is its own: a host's logging setup (Spring Boot's
   * {@code logging.level.root=WARN} reaches JUL's root logger, a {@code LogManager.reset()} drops
   * every level and handler) must not silence it, so level and handler are checked at each line.
   * A level set for {@value #NAME} itself is the operator's and is kept.
   */
  private static Logger logger() {
    if (OWN && (LOGGER.getLevel() == null || !hasOwnHandler(LOGGER))) {
      configure(LOGGER);
    }
    return LOGGER;
  }

  private static boolean hasOwnHandler(Logger logger) {
    for (Handler handler : logger.getHandlers()) {
      if (handler == STDERR) {
        return true;
      }
    }
    return false;
  }

  public static void info(String message) {
    log(Level.INFO, message);
  }

  public static void warning(String message) {
    log(Level.WARNING, message);
  }

  public static void fine(String message) {
    log(Level.FINE, message);
  }

  private static void log(Level level, String message) {
    Capture capture = CAPTURE.get();
    if (capture != null) {
      if (level != Level.FINE) { // detail of that one weave (a loader's identity), not worth saying again
        capture.lines.add(level.getName() + " " + message);
      }
      if (capture.quiet) {
        return;
      }
    }
    logger().log(level, message);
  }

  private static final ThreadLocal<Capture> CAPTURE = new ThreadLocal<>();

  /**
   * The info and warning lines said on one thread while a class is woven, kept to be said again
   * ({@link #sayAgain}) wherever that weave's result is reused instead of weaving.
   */
  public static final class Capture implements AutoCloseable {
    private final List<String> lines = new ArrayList<>();
    private final boolean quiet;
    private final Capture outer;

    private Capture(boolean quiet, Capture outer) {
      this.quiet = quiet;
      this.outer = outer;
    }

    /** Each line as its level's name, a space and the message. */
    public List<String> lines() {
      return lines;
    }

    @Override
    public void close() {
      CAPTURE.set(outer);
    }
  }

  /** @param quiet keep the lines without saying them (a weave whose result is only kept for later) */
  public static Capture capture(boolean quiet) {
    Capture capture = new Capture(quiet, CAPTURE.get());
    CAPTURE.set(capture);
    return capture;
  }

  /** Says a line {@link Capture} kept. */
  public static void sayAgain(String line) {
    int space = line.indexOf(' ');
    try {
      log(Level.parse(line.substring(0, space)), line.substring(space + 1));
    } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
      log(Level.INFO, line);
    }
  }

  private static Handler stderrHandler() {
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
    return stderr;
  }

  private static final class OneLine extends Formatter {
    @Override
    public String format(LogRecord record) {
      return "[mcp-ratelimit] " + record.getLevel().getName() + " " + formatMessage(record) + System.lineSeparator();
    }
  }
}
