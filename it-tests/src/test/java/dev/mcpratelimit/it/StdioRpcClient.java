package dev.mcpratelimit.it;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.TypeRef;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * JSON-RPC by hand over the stdin and stdout of a stdio server ({@link ForkedServer.Builder#startStdio()}),
 * one line per message. Each request waits for its answer, and then {@value #PAUSE_MILLIS} ms, before
 * the next is sent: the stdio transports of the SDKs before 2.0 (seen on 0.10.0, 0.11.3, 0.14.1,
 * 0.17.0 and 1.0.2, with or without the agent) emit each answer with {@code tryEmitNext} and drop it
 * ("Failed to enqueue message" on stderr; the session answers nothing after that) when it overlaps the
 * previous answer's emission, which may still be under way when that answer has been read. The pause
 * makes that rare, not impossible: {@link #droppedByServer()} tells it happened.
 */
public final class StdioRpcClient implements AutoCloseable {

  private static final Duration TIMEOUT = Duration.ofSeconds(20);
  private static final long PAUSE_MILLIS = 20;
  /** What the SDK's stdio transport logs when it drops an answer. */
  static final String DROPPED = "Failed to enqueue message";
  private static final AtomicLong IDS = new AtomicLong(5000);

  private final ForkedServer server;
  private final OutputStream stdin;
  private String protocolVersion;
  private Map<String, Object> initializeAnswer;

  private StdioRpcClient(ForkedServer server) {
    this.server = server;
    this.stdin = server.stdin();
  }

  /** Sends {@code initialize} asking for {@code protocolVersion}, then {@code notifications/initialized}. */
  public static StdioRpcClient open(ForkedServer server, String protocolVersion) throws InterruptedException {
    StdioRpcClient client = new StdioRpcClient(server);
    client.protocolVersion = protocolVersion;
    client.initializeAnswer = client.request("initialize", Map.of(
        "protocolVersion", protocolVersion,
        "capabilities", Map.of(),
        "clientInfo", Map.of("name", "raw-stdio-client", "version", "1.0")));
    if (client.initializeAnswer != null && client.initializeAnswer.get("result") instanceof Map<?, ?> result
        && result.get("protocolVersion") instanceof String answered) {
      client.protocolVersion = answered;
    }
    client.write(Map.of("jsonrpc", "2.0", "method", "notifications/initialized"));
    return client;
  }

  /** The answer to {@code initialize}, or {@code null} if none came. */
  public Map<String, Object> initializeAnswer() {
    return initializeAnswer;
  }

  /** The protocol version the server answered (else the one asked for). */
  public String protocolVersion() {
    return protocolVersion;
  }

  /** Sends a request and returns the JSON-RPC message answering it, or {@code null} if none came in time. */
  public Map<String, Object> request(String method, Map<String, Object> params) throws InterruptedException {
    long id = IDS.incrementAndGet();
    Map<String, Object> message = new LinkedHashMap<>();
    message.put("jsonrpc", "2.0");
    message.put("id", id);
    message.put("method", method);
    if (params != null) {
      message.put("params", params);
    }
    int skip = server.stdoutLines();
    write(message);
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    String line = null;
    while (line == null && System.nanoTime() < deadline && !droppedByServer()) {
      line = server.awaitStdout(skip, candidate -> answers(candidate, id), Duration.ofMillis(250));
    }
    Thread.sleep(PAUSE_MILLIS);
    return line == null ? null : parse(line);
  }

  /** Whether the server's stdio transport has dropped an answer (its own bug, see above): it will answer no more. */
  public boolean droppedByServer() {
    return server.stderr().stream().anyMatch(line -> line.contains(DROPPED));
  }

  private void write(Map<String, Object> message) {
    try {
      stdin.write((McpJsonDefaults.getMapper().writeValueAsString(message) + "\n").getBytes(StandardCharsets.UTF_8));
      stdin.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("writing to the stdio server", e);
    }
  }

  private static boolean answers(String line, long id) {
    if (!line.startsWith("{")) {
      return false;
    }
    Map<String, Object> message = parse(line);
    return message != null && message.get("id") instanceof Number number && number.longValue() == id
        && (message.containsKey("result") || message.containsKey("error"));
  }

  private static Map<String, Object> parse(String line) {
    try {
      return McpJsonDefaults.getMapper().readValue(line, new TypeRef<Map<String, Object>>() {});
    } catch (IOException e) {
      return null;
    }
  }

  /** Closes stdin: the server sees the end of its input. */
  @Override
  public void close() {
    try {
      stdin.close();
    } catch (IOException e) {
      // the server is gone
    }
  }
}
