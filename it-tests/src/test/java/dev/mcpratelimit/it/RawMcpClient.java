package dev.mcpratelimit.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.TypeRef;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * MCP over HTTP by hand, with {@link java.net.http.HttpClient}: what the SDK client hides (status
 * codes, response headers, the raw JSON-RPC message) is what these tests look at.
 *
 * <p>{@link #connect} POSTs {@code initialize}, keeps the {@code Mcp-Session-Id} (Streamable HTTP;
 * a stateless server sends none) and sends {@code notifications/initialized}. Every request carries
 * the client's own headers (e.g. {@code X-API-Key}) and any per-request extra headers. Responses are
 * read whole; the JSON-RPC message is parsed from a JSON body or from the SSE {@code data:} lines.
 * {@link #open} does the same for any protocol version without asserting, and {@link #openSse}
 * speaks the legacy HTTP+SSE transport (answers on a GET stream).
 */
public final class RawMcpClient implements AutoCloseable {

  public static final String PROTOCOL_VERSION = "2025-06-18";
  private static final Duration TIMEOUT = Duration.ofSeconds(20);
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(10))
      .build();
  private static final AtomicLong IDS = new AtomicLong(1000);

  private final URI uri;
  private final List<Map.Entry<String, String>> headers;
  private final SseStream sse;
  private String sessionId;
  private String protocolVersion;
  private Response initializeResponse;
  private Response initializedResponse;

  private RawMcpClient(URI uri, List<Map.Entry<String, String>> headers, SseStream sse) {
    this.uri = uri;
    this.headers = headers;
    this.sse = sse;
  }

  /**
   * An initialized client of {@code server}'s {@code /mcp} endpoint sending {@code headers} (name,
   * value, name, value...; a {@code null} value sends no such header; a name given twice is sent
   * as two header lines, in order) with every request.
   */
  public static RawMcpClient connect(ForkedServer server, String... headers) {
    RawMcpClient client = new RawMcpClient(URI.create(server.url()), headerList(headers), null);
    client.initialize(PROTOCOL_VERSION);
    assertEquals(200, client.initializeResponse.status(), () -> "initialize: " + client.initializeResponse);
    assertNotNull(client.initializeResponse.result(), () -> "initialize: " + client.initializeResponse);
    assertEquals(202, client.initializedResponse.status(), () -> "notifications/initialized: " + client.initializedResponse);
    return client;
  }

  /**
   * A client of the Streamable HTTP or stateless endpoint {@code endpoint} that sent {@code initialize}
   * asking for {@code protocolVersion} and then {@code notifications/initialized}. Unlike
   * {@link #connect} it asserts nothing: see {@link #initializeResponse()} and {@link #protocolVersion()}.
   */
  public static RawMcpClient open(URI endpoint, String protocolVersion, String... headers) {
    RawMcpClient client = new RawMcpClient(endpoint, headerList(headers), null);
    client.initialize(protocolVersion);
    return client;
  }

  /**
   * A client of the legacy HTTP+SSE transport (protocol 2024-11-05): it opens the SSE stream with a
   * GET of {@code sseEndpoint}, POSTs every message to the URL the stream's {@code endpoint} event
   * announces and takes each answer from the stream (a {@link Response} then has the POST's status and
   * headers, and the stream's message). Then it initializes as {@link #open} does. Close it to end the
   * stream.
   */
  public static RawMcpClient openSse(URI sseEndpoint, String protocolVersion, String... headers) {
    List<Map.Entry<String, String>> list = headerList(headers);
    SseStream sse = SseStream.open(sseEndpoint, list);
    RawMcpClient client = new RawMcpClient(sse.messageEndpoint(), list, sse);
    client.initialize(protocolVersion);
    return client;
  }

  private static List<Map.Entry<String, String>> headerList(String... headers) {
    assertEquals(0, headers.length % 2, "headers come in name, value pairs");
    List<Map.Entry<String, String>> list = new ArrayList<>();
    for (int i = 0; i < headers.length; i += 2) {
      if (headers[i + 1] != null) {
        list.add(Map.entry(headers[i], headers[i + 1]));
      }
    }
    return List.copyOf(list);
  }

  private void initialize(String requestedVersion) {
    protocolVersion = requestedVersion;
    initializeResponse = send(Map.of(
        "jsonrpc", "2.0",
        "id", IDS.incrementAndGet(),
        "method", "initialize",
        "params", Map.of(
            "protocolVersion", requestedVersion,
            "capabilities", Map.of(),
            "clientInfo", Map.of("name", "raw-test-client", "version", "1.0"))), Map.of());
    Map<String, Object> result = initializeResponse.result();
    if (result != null && result.get("protocolVersion") instanceof String answered) {
      protocolVersion = answered;
    }
    sessionId = initializeResponse.header("Mcp-Session-Id").orElse(null);
    initializedResponse = send(Map.of("jsonrpc", "2.0", "method", "notifications/initialized"), Map.of());
  }

  /** The protocol version the server answered to {@code initialize} (else the one asked for). */
  public String protocolVersion() {
    return protocolVersion;
  }

  /** Ends the SSE stream of a client made by {@link #openSse} (nothing otherwise). */
  @Override
  public void close() {
    if (sse != null) {
      sse.close();
    }
  }

  /** The response to {@code initialize}. */
  public Response initializeResponse() {
    return initializeResponse;
  }

  /** The response to {@code notifications/initialized}. */
  public Response initializedResponse() {
    return initializedResponse;
  }

  /** The session id the server assigned, or {@code null} (stateless server). */
  public String sessionId() {
    return sessionId;
  }

  public Response listTools() {
    return request("tools/list", Map.of());
  }

  public Response ping() {
    return request("ping", null);
  }

  /** {@code tools/call} of {@code tool} with {@code arguments}. */
  public Response callTool(String tool, Map<String, Object> arguments) {
    return callTool(tool, arguments, null, Map.of());
  }

  /**
   * {@code tools/call} with an optional {@code _meta} in the params and extra headers for this
   * request only.
   */
  public Response callTool(String tool, Map<String, Object> arguments, Map<String, Object> meta,
      Map<String, String> extraHeaders) {
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("name", tool);
    params.put("arguments", arguments);
    if (meta != null) {
      params.put("_meta", meta);
    }
    return request("tools/call", params, extraHeaders);
  }

  /** A JSON-RPC request with a fresh numeric id. */
  public Response request(String method, Map<String, Object> params) {
    return request(method, params, Map.of());
  }

  public Response request(String method, Map<String, Object> params, Map<String, String> extraHeaders) {
    Map<String, Object> message = new LinkedHashMap<>();
    message.put("jsonrpc", "2.0");
    message.put("id", IDS.incrementAndGet());
    message.put("method", method);
    if (params != null) {
      message.put("params", params);
    }
    return send(message, extraHeaders);
  }

  /** POSTs one JSON-RPC message and reads the whole response. */
  public Response send(Map<String, Object> message, Map<String, String> extraHeaders) {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri)
        .timeout(TIMEOUT)
        .header("Content-Type", "application/json")
        .header("Accept", "application/json, text/event-stream");
    if (sessionId != null) {
      request.header("Mcp-Session-Id", sessionId).header("MCP-Protocol-Version", protocolVersion);
    }
    headers.forEach(header -> request.header(header.getKey(), header.getValue()));
    extraHeaders.forEach(request::header);
    try {
      request.POST(HttpRequest.BodyPublishers.ofString(McpJsonDefaults.getMapper().writeValueAsString(message)));
      long sent = System.currentTimeMillis();
      HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
      if (sse != null && message.get("id") != null && !isAnswer(response.body(), message.get("id"))) {
        // Legacy SSE: the POST is only acknowledged; the answer comes on the stream.
        Map<String, Object> answer = sse.await(message.get("id"), TIMEOUT);
        long received = System.currentTimeMillis();
        return new Response(message.get("id"), response.statusCode(), response.headers().map(),
            answer == null ? response.body() : McpJsonDefaults.getMapper().writeValueAsString(answer), answer, sent,
            received);
      }
      long received = System.currentTimeMillis();
      return new Response(message.get("id"), response.statusCode(), response.headers().map(), response.body(),
          response.body().isBlank() ? null : parseMessage(response.body()), sent, received);
    } catch (IOException e) {
      throw new UncheckedIOException("POST " + message.get("method") + " to " + uri, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Whether {@code body} is a JSON-RPC message answering request {@code id}. */
  private static boolean isAnswer(String body, Object id) {
    if (body == null || body.isBlank()) {
      return false;
    }
    try {
      return sameId(id, parseMessage(body).get("id"));
    } catch (AssertionError e) {
      return false;
    }
  }

  private static boolean sameId(Object a, Object b) {
    if (a instanceof Number x && b instanceof Number y) {
      return x.longValue() == y.longValue();
    }
    return a != null && a.equals(b);
  }

  /**
   * The GET side of the legacy HTTP+SSE transport: one SSE stream, read on a daemon thread. Its
   * {@code endpoint} event names the message URL; each {@code message} event is a JSON-RPC message,
   * kept by id until {@link #await} takes it.
   */
  private static final class SseStream implements AutoCloseable {
    private final CompletableFuture<URI> endpoint = new CompletableFuture<>();
    private final Map<Long, CompletableFuture<Map<String, Object>>> answers = new ConcurrentHashMap<>();
    private final URI uri;
    private volatile InputStream body;

    private SseStream(URI uri) {
      this.uri = uri;
    }

    static SseStream open(URI uri, List<Map.Entry<String, String>> headers) {
      SseStream stream = new SseStream(uri);
      HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(TIMEOUT).header("Accept", "text/event-stream");
      headers.forEach(header -> request.header(header.getKey(), header.getValue()));
      HttpResponse<InputStream> response;
      try {
        response = HTTP.send(request.GET().build(), HttpResponse.BodyHandlers.ofInputStream());
      } catch (IOException e) {
        throw new UncheckedIOException("GET " + uri, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      stream.body = response.body();
      if (response.statusCode() != 200) {
        stream.close();
        throw new AssertionError("GET " + uri + ": HTTP " + response.statusCode() + " " + response.headers().map());
      }
      Thread reader = new Thread(stream::read, "sse-" + uri);
      reader.setDaemon(true);
      reader.start();
      return stream;
    }

    URI messageEndpoint() {
      try {
        return endpoint.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException | TimeoutException e) {
        close();
        throw new AssertionError("no endpoint event on " + uri + " within " + TIMEOUT.toSeconds() + " s", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    /** The stream's message answering request {@code id}, or {@code null} if none came within {@code timeout}. */
    Map<String, Object> await(Object id, Duration timeout) {
      try {
        return answer(((Number) id).longValue()).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException | TimeoutException e) {
        return null;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    private CompletableFuture<Map<String, Object>> answer(long id) {
      return answers.computeIfAbsent(id, key -> new CompletableFuture<>());
    }

    private void read() {
      try (BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
        String event = "message";
        StringBuilder data = new StringBuilder();
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
          if (line.isEmpty()) {
            dispatch(event, data.toString());
            event = "message";
            data.setLength(0);
          } else if (line.startsWith("event:")) {
            event = line.substring(6).strip();
          } else if (line.startsWith("data:")) {
            data.append(data.length() == 0 ? "" : "\n").append(line.substring(5).strip());
          }
        }
      } catch (IOException e) {
        // the stream was closed
      } finally {
        endpoint.completeExceptionally(new IllegalStateException("the SSE stream ended"));
      }
    }

    private void dispatch(String event, String data) {
      if (data.isEmpty()) {
        return;
      }
      if (event.equals("endpoint")) {
        endpoint.complete(uri.resolve(data));
      } else if (event.equals("message") && data.startsWith("{")) {
        Map<String, Object> message = parseMessage(data);
        if (message.get("id") instanceof Number id && (message.containsKey("result") || message.containsKey("error"))) {
          answer(id.longValue()).complete(message);
        }
      }
    }

    @Override
    public void close() {
      InputStream in = body;
      if (in != null) {
        try {
          in.close();
        } catch (IOException e) {
          // closing anyway
        }
      }
    }
  }

  /**
   * The JSON-RPC message in a response body: the body itself if it is JSON, else the {@code data:}
   * lines of its (single) SSE event joined.
   */
  public static Map<String, Object> parseMessage(String body) {
    String trimmed = body.strip();
    String json;
    if (trimmed.startsWith("{")) {
      json = trimmed;
    } else {
      StringBuilder data = new StringBuilder();
      for (String line : trimmed.split("\r?\n")) {
        if (line.startsWith("data:")) {
          data.append(data.length() == 0 ? "" : "\n").append(line.substring(5).strip());
        }
      }
      assertTrue(data.length() > 0, () -> "neither JSON nor an SSE event with data: " + body);
      json = data.toString();
    }
    try {
      return McpJsonDefaults.getMapper().readValue(json, new TypeRef<Map<String, Object>>() {});
    } catch (IOException e) {
      throw new AssertionError("not a JSON-RPC message: " + json, e);
    }
  }

  /** {@code a / b} rounded up ({@code Math.ceilDiv} is Java 18). */
  static long ceilDiv(long a, long b) {
    return -Math.floorDiv(-a, b);
  }

  /** The names of the rate-limit headers the agent sets, lower case. */
  public static final List<String> RATE_LIMIT_HEADERS = List.of(
      "x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset", "ratelimit-policy", "ratelimit", "retry-after");

  /**
   * One HTTP response.
   *
   * @param requestId the JSON-RPC id sent ({@code null} for a notification)
   * @param message the parsed JSON-RPC message, {@code null} for an empty body
   * @param sentEpochMillis wall-clock time just before the request was sent
   * @param receivedEpochMillis wall-clock time just after the response was read
   */
  public record Response(Object requestId, int status, Map<String, List<String>> headers, String body,
      Map<String, Object> message, long sentEpochMillis, long receivedEpochMillis) {

    /** The one value of header {@code name} (case-insensitive), if present. */
    public Optional<String> header(String name) {
      List<String> values = new ArrayList<>();
      headers.forEach((key, list) -> {
        if (key.equalsIgnoreCase(name)) {
          values.addAll(list);
        }
      });
      assertTrue(values.size() <= 1, () -> "header " + name + " more than once: " + values);
      return values.stream().findFirst();
    }

    /** The header's value, which must be present. */
    public String requiredHeader(String name) {
      return header(name).orElseThrow(() -> new AssertionError("no " + name + " header in " + this));
    }

    /** The header's value as a long, which must be present. */
    public long longHeader(String name) {
      String value = requiredHeader(name);
      try {
        return Long.parseLong(value);
      } catch (NumberFormatException e) {
        throw new AssertionError(name + " is not a whole number: " + value, e);
      }
    }

    /** The rate-limit headers present, lower-case names, in {@link #RATE_LIMIT_HEADERS} order. */
    public Map<String, String> rateLimitHeaders() {
      Map<String, String> present = new LinkedHashMap<>();
      for (String name : RATE_LIMIT_HEADERS) {
        header(name).ifPresent(value -> present.put(name, value));
      }
      return present;
    }

    /**
     * Asserts the rate-limit headers of a {@code tools/call} response about the binding bucket.
     *
     * <p>{@code secondsUntilFull} and {@code retryAfter} are the values computed from the rate for
     * a decision made at {@code sinceEpochMillis} (when the bucket last was full, or the first call
     * of the sequence was sent): they must match exactly when this response came within a second of
     * it, as it does unless the machine is very slow; only then may they be shorter by the seconds
     * that passed, as the continuous refill demands. {@code X-RateLimit-Reset} must be the time of
     * the call plus the {@code t} of the {@code RateLimit} header, rounded up.
     *
     * @param retryAfter the expected {@code Retry-After}, or {@code null} for an admitted call (none)
     * @return the {@code t} of the {@code RateLimit} header
     */
    public long assertRateLimitHeaders(String tier, long limit, long remaining, long windowSeconds,
        long secondsUntilFull, Long retryAfter, long sinceEpochMillis) {
      long elapsed = receivedEpochMillis - sinceEpochMillis;
      long slack = elapsed < 1000 ? 0 : ceilDiv(elapsed, 1000);
      if (slack > 0) {
        // Visible in the test output: the machine was too slow for the exact check.
        System.out.println("RateLimit t and Retry-After checked as a range: " + elapsed + " ms passed");
      }
      String policy = "\"" + tier + "\"";
      assertEquals(limit, longHeader("X-RateLimit-Limit"), () -> "X-RateLimit-Limit in " + this);
      assertEquals(remaining, longHeader("X-RateLimit-Remaining"), () -> "X-RateLimit-Remaining in " + this);
      assertEquals(policy + ";q=" + limit + ";w=" + windowSeconds, requiredHeader("RateLimit-Policy"),
          () -> "RateLimit-Policy in " + this);
      String rateLimit = requiredHeader("RateLimit");
      String prefix = policy + ";r=" + remaining + ";t=";
      assertTrue(rateLimit.startsWith(prefix) && rateLimit.substring(prefix.length()).matches("\\d+"),
          () -> "RateLimit should be " + prefix + secondsUntilFull + ", in " + this);
      long t = Long.parseLong(rateLimit.substring(prefix.length()));
      if (slack == 0) {
        assertEquals(prefix + secondsUntilFull, rateLimit, () -> "RateLimit in " + this);
      } else {
        assertTrue(t >= secondsUntilFull - slack && t <= secondsUntilFull,
            () -> "RateLimit t=" + t + " after " + elapsed + " ms, expected " + secondsUntilFull + " or a little less");
      }
      long reset = longHeader("X-RateLimit-Reset");
      long earliest = ceilDiv(sentEpochMillis + (t - 1) * 1000, 1000);
      long latest = ceilDiv(receivedEpochMillis + t * 1000, 1000);
      assertTrue(reset >= earliest && reset <= latest, () -> "X-RateLimit-Reset " + reset + " should be the time of the"
          + " call plus " + t + " s: " + earliest + ".." + latest + ", in " + this);
      if (retryAfter == null) {
        assertEquals(Optional.empty(), header("Retry-After"), () -> "Retry-After on an admitted call, in " + this);
      } else {
        long value = longHeader("Retry-After");
        if (slack == 0) {
          assertEquals(retryAfter.longValue(), value, () -> "Retry-After in " + this);
        } else {
          assertTrue(value >= Math.max(1, retryAfter - slack) && value <= retryAfter,
              () -> "Retry-After " + value + " after " + elapsed + " ms, expected " + retryAfter + " or a little less");
        }
      }
      return t;
    }

    /** Asserts the response carries none of the rate-limit headers. */
    public void assertNoRateLimitHeaders(String what) {
      assertEquals(Map.of(), rateLimitHeaders(), () -> what + ": rate-limit headers on " + this);
    }

    /** The message's {@code result}, or {@code null}. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> result() {
      return message == null ? null : (Map<String, Object>) message.get("result");
    }

    /** The message's {@code error}, or {@code null}. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> error() {
      return message == null ? null : (Map<String, Object>) message.get("error");
    }

    /** The message's {@code id}, which must be the request's. */
    public void assertSameId() {
      assertNotNull(message, () -> "no message: " + this);
      Object id = message.get("id");
      if (requestId instanceof Number sent && id instanceof Number got) {
        assertEquals(sent.longValue(), got.longValue(), () -> "JSON-RPC id of " + this);
      } else {
        assertEquals(requestId, id, () -> "JSON-RPC id of " + this);
      }
    }

    /** Asserts a 200 with a {@code tools/call} result that is no tool error; returns the result. */
    public Map<String, Object> assertToolResult(String what) {
      assertEquals(200, status, () -> what + ": status of " + this);
      assertSameId();
      Map<String, Object> result = result();
      assertNotNull(result, () -> what + ": no result in " + this);
      assertTrue(!Boolean.TRUE.equals(result.get("isError")), () -> what + ": tool error in " + this);
      return result;
    }

    /** The rejection in the body (code, message and data asserted, see {@link RateLimited#of(Map)}). */
    public RateLimited rateLimited() {
      assertSameId();
      Map<String, Object> error = error();
      assertNotNull(error, () -> "no JSON-RPC error in " + this);
      return RateLimited.of(error);
    }

    /** The {@code structuredContent} of a tool result. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> structuredContent() {
      Map<String, Object> result = result();
      assertNotNull(result, () -> "no result in " + this);
      return assertInstanceOf(Map.class, result.get("structuredContent"), () -> "structuredContent of " + this);
    }

    @Override
    public String toString() {
      return "HTTP " + status + " " + headers + "\n" + body;
    }

    /** Header names present, lower case (for messages). */
    public List<String> headerNames() {
      return headers.keySet().stream().map(name -> name.toLowerCase(Locale.ROOT)).sorted().toList();
    }
  }
}
