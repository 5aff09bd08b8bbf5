package dev.mcpratelimit.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.tools.attach.VirtualMachine;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * An MCP server in its own JVM, optionally with the agent attached by {@code -javaagent}: the
 * sample server's fat jar, a main class of this module run on the test class path, or any
 * executable jar (the version matrix's servers), on this JVM's {@code java} or another one.
 *
 * <p>HTTP servers print one line {@code <Name> listening on http://127.0.0.1:PORT/mcp} to stderr;
 * {@link Builder#start()} waits for it. {@link Builder#startStdio()} starts a stdio server instead,
 * waiting for nothing, with its stdin left open. Every line of stderr (and stdout) is kept. No JVM outlives
 * the tests: {@link #close()} destroys the process and waits for it, and a shutdown hook destroys
 * whatever is still alive should the test JVM end first.
 */
public final class ForkedServer implements AutoCloseable {

  /** How long a forked server may take to print its listening line. */
  static final Duration START_TIMEOUT = Duration.ofSeconds(30);

  private static final Pattern LISTENING = Pattern.compile("\\S+ listening on (http://127\\.0\\.0\\.1:(\\d+)/mcp)");
  private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(ForkedServer::destroyAll, "forked-server-reaper"));
  }

  private final Process process;
  private final List<String> stderr;
  private final List<String> stdout;
  private final String url;
  private final int port;

  private ForkedServer(Process process, List<String> stderr, List<String> stdout, String url, int port) {
    this.process = process;
    this.stderr = stderr;
    this.stdout = stdout;
    this.url = url;
    this.port = port;
  }

  /** The sample music server from its executable jar, on an ephemeral port. */
  public static Builder sampleServer() {
    return new Builder(List.of("-jar", jar("server.jar").toString(), "--port", "0"));
  }

  /** A main class of this module (see {@code servers/}), run on the test class path, on an ephemeral port. */
  public static Builder mainClass(Class<?> main) {
    return new Builder(List.of("-cp", System.getProperty("java.class.path"), main.getName(), "--port", "0"));
  }

  /** An executable jar ({@code java -jar jar args...}), e.g. one of the version matrix's servers. */
  public static Builder executableJar(Path jar, String... args) {
    List<String> programArgs = new ArrayList<>(List.of("-jar", jar.toString()));
    programArgs.addAll(List.of(args));
    return new Builder(programArgs);
  }

  /** The JVM options every forked server gets: small and quick to start. */
  public static List<String> smallJvmOptions() {
    return List.of("-Xmx128m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto");
  }

  /** {@code -javaagent:<agent jar>=<properties file>}. */
  public static String javaAgentOption(Path properties) {
    return "-javaagent:" + jar("agent.jar") + "=" + properties.toAbsolutePath();
  }

  public static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** A jar named by a system property set in the pom, which must exist. */
  static Path jar(String property) {
    String value = System.getProperty(property);
    assertTrue(value != null && !value.isBlank(), "system property " + property + " is not set (run through Failsafe)");
    Path path = Path.of(value).toAbsolutePath().normalize();
    assertTrue(Files.isRegularFile(path), property + " does not exist: " + path + " (build the module first)");
    return path;
  }

  public static final class Builder {
    private final List<String> programArgs;
    private final List<String> jvmOptions = new ArrayList<>(smallJvmOptions());
    private String javaBinary = javaBinary();

    private Builder(List<String> programArgs) {
      this.programArgs = programArgs;
    }

    public Builder agent(Path properties) {
      jvmOptions.add(javaAgentOption(properties));
      return this;
    }

    public Builder jvmOption(String option) {
      jvmOptions.add(option);
      return this;
    }

    /** Runs the JVM with this {@code java} instead of the test JVM's own (e.g. another Java version). */
    public Builder java(Path javaBinary) {
      this.javaBinary = javaBinary.toString();
      return this;
    }

    /** Starts the JVM and waits (at most {@link #START_TIMEOUT}) for its listening line. */
    public ForkedServer start() throws IOException, InterruptedException {
      List<String> command = command();
      Process process = launch(command);
      process.getOutputStream().close();

      List<String> stderr = new CopyOnWriteArrayList<>();
      List<String> stdout = new CopyOnWriteArrayList<>();
      CompletableFuture<Matcher> listening = new CompletableFuture<>();
      drain(process.getErrorStream(), "stderr", line -> {
        stderr.add(line);
        Matcher matcher = LISTENING.matcher(line);
        if (matcher.matches()) {
          listening.complete(matcher);
        }
      }, () -> listening.completeExceptionally(new IllegalStateException("the server's stderr ended")));
      drain(process.getInputStream(), "stdout", stdout::add, () -> { });

      try {
        Matcher matcher = listening.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        return new ForkedServer(process, stderr, stdout, matcher.group(1), Integer.parseInt(matcher.group(2)));
      } catch (ExecutionException | TimeoutException e) {
        stop(process);
        throw new IllegalStateException("server did not report listening within " + START_TIMEOUT.toSeconds() + " s ("
            + e + "); command: " + String.join(" ", command) + "\nstderr:\n" + String.join("\n", stderr), e);
      }
    }

    /**
     * Starts the JVM as a stdio server, without waiting for anything: its stdin stays open
     * ({@link #stdin()}), each stdout line is kept ({@link #awaitStdout}). It has no URL.
     */
    public ForkedServer startStdio() throws IOException {
      Process process = launch(command());
      List<String> stderr = new CopyOnWriteArrayList<>();
      List<String> stdout = new CopyOnWriteArrayList<>();
      drain(process.getErrorStream(), "stderr", stderr::add, () -> { });
      drain(process.getInputStream(), "stdout", line -> {
        synchronized (stdout) {
          stdout.add(line);
          stdout.notifyAll();
        }
      }, () -> { });
      return new ForkedServer(process, stderr, stdout, null, -1);
    }

    private List<String> command() {
      List<String> command = new ArrayList<>();
      command.add(javaBinary);
      command.addAll(jvmOptions);
      command.addAll(programArgs);
      return command;
    }

    private static Process launch(List<String> command) throws IOException {
      Process process = new ProcessBuilder(command).start();
      LIVE.add(process);
      process.onExit().thenRun(() -> LIVE.remove(process));
      return process;
    }
  }

  /** {@code http://127.0.0.1:PORT/mcp}. */
  public String url() {
    return url;
  }

  /** {@code http://127.0.0.1:PORT}. */
  public String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  /** Every stderr line so far. */
  public List<String> stderr() {
    return List.copyOf(stderr);
  }

  /** Every stdout line so far. */
  public List<String> stdout() {
    return List.copyOf(stdout);
  }

  /** Waits for a stderr line matching {@code wanted} that is not among the first {@code skip} lines. */
  public String awaitStderr(int skip, Predicate<String> wanted, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      List<String> lines = stderr();
      for (int i = skip; i < lines.size(); i++) {
        if (wanted.test(lines.get(i))) {
          return lines.get(i);
        }
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no such stderr line within " + timeout.toMillis() + " ms; stderr:\n"
            + String.join("\n", lines));
      }
      Thread.sleep(25);
    }
  }

  /**
   * Waits for a stdout line matching {@code wanted} that is not among the first {@code skip} lines
   * (a server started by {@link Builder#startStdio()}); {@code null} when none came within
   * {@code timeout} or the process ended first.
   */
  public String awaitStdout(int skip, Predicate<String> wanted, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (stdout) {
      int next = skip;
      while (true) {
        for (; next < stdout.size(); next++) {
          if (wanted.test(stdout.get(next))) {
            return stdout.get(next);
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0 || !process.isAlive()) {
          return null;
        }
        stdout.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 100)));
      }
    }
  }

  /** The number of stdout lines so far. */
  public int stdoutLines() {
    return stdout.size();
  }

  /** The server's stdin (open only for a server started by {@link Builder#startStdio()}). */
  public OutputStream stdin() {
    return process.getOutputStream();
  }

  /**
   * Asserts the agent printed its start line with a valid configuration in {@code mode}, and no
   * warning: a test that expects limits must not run against an agent that limits nothing.
   */
  public void assertAgentStarted(String mode) {
    assertStartLine(mode);
    String all = String.join("\n", stderr());
    assertTrue(stderr().stream().noneMatch(line -> line.startsWith("[mcp-ratelimit] WARNING")),
        () -> "agent warnings; stderr:\n" + all);
  }

  /** The agent's start line is there, in {@code mode} (warnings allowed). */
  public void assertStartLine(String mode) {
    List<String> lines = stderr();
    assertTrue(lines.stream().anyMatch(line -> line.startsWith("[mcp-ratelimit] INFO mcp-ratelimit-agent ")
        && line.contains(" started: config ") && line.contains(", mode " + mode + ", ")),
        () -> "no agent start line in mode " + mode + "; stderr:\n" + String.join("\n", lines));
  }

  /** The server JVM's process id (to attach the agent to it). */
  public long pid() {
    return process.pid();
  }

  /** A connection to the server JVM's local JMX agent, started if need be, as jconsole finds it. */
  public JMXConnector jmx() throws Exception {
    VirtualMachine vm = VirtualMachine.attach(String.valueOf(pid()));
    try {
      return JMXConnectorFactory.connect(new JMXServiceURL(vm.startLocalManagementAgent()));
    } finally {
      vm.detach();
    }
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public void close() {
    stop(process);
  }

  /**
   * The JVM arguments of a stdio server (the sample server's jar with {@code --stdio}) for the SDK's
   * {@code StdioClientTransport}, which starts the process itself.
   */
  public static List<String> stdioServerArgs(Path properties) {
    List<String> args = new ArrayList<>(smallJvmOptions());
    if (properties != null) {
      args.add(javaAgentOption(properties));
    }
    args.addAll(List.of("-jar", jar("server.jar").toString(), "--stdio"));
    return args;
  }

  /**
   * Asserts that no stdio server started by the SDK client outlives it: waits for them to exit,
   * destroys any that does not and fails then.
   */
  public static void assertNoStdioServerLeft() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    List<ProcessHandle> left;
    do {
      left = ProcessHandle.current().descendants()
          .filter(process -> process.isAlive() && process.info().arguments()
              .map(arguments -> List.of(arguments).contains("--stdio")).orElse(false))
          .toList();
      if (left.isEmpty()) {
        return;
      }
      Thread.sleep(50);
    } while (System.nanoTime() < deadline);
    left.forEach(ProcessHandle::destroyForcibly);
    throw new AssertionError("stdio servers still running after their client closed: " + left);
  }

  /** Destroys every forked JVM still alive (also the stdio servers the SDK client started). */
  static void destroyAll() {
    LIVE.forEach(ForkedServer::stop);
    ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
  }

  /** Ends {@code process}: politely, then by force if it does not exit within 10 s. */
  static void stop(Process process) {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    } finally {
      LIVE.remove(process);
    }
  }

  private static void drain(InputStream stream, String name, Consumer<String> onLine, Runnable onEnd) {
    Thread thread = new Thread(() -> {
      try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
          onLine.accept(line);
        }
      } catch (IOException e) {
        // the process is gone
      } finally {
        onEnd.run();
      }
    }, "forked-server-" + name);
    thread.setDaemon(true);
    thread.start();
  }
}
