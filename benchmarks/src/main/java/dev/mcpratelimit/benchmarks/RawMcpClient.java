package dev.mcpratelimit.benchmarks;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Just enough HTTP/1.1 for MCP's Streamable HTTP: one kept-alive connection, one request at a
 * time, bodies by Content-Length or chunked. Lean on purpose, so that the client takes little of
 * the CPUs the server also runs on.
 */
final class RawMcpClient implements Closeable {

  /** @param rateLimitHeaders whether any of the agent's five rate-limit headers came with it */
  record Response(int status, String body, boolean rateLimitHeaders, String sessionId) {}

  private final Socket socket;
  private final BufferedOutputStream out;
  private final InputStream in;
  private final String fixedHeaders;
  private String sessionHeader = "";
  private long nextId = 1;

  RawMcpClient(int port, String apiKey) throws IOException {
    socket = new Socket();
    socket.setTcpNoDelay(true);
    socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
    socket.setSoTimeout(30_000);
    out = new BufferedOutputStream(socket.getOutputStream(), 8192);
    in = new BufferedInputStream(socket.getInputStream(), 16384);
    fixedHeaders = "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nContent-Type: application/json\r\n"
        + "Accept: application/json, text/event-stream\r\nX-API-Key: " + apiKey + "\r\n";
  }

  void initialize() throws IOException {
    Response init = post("{\"jsonrpc\":\"2.0\",\"id\":" + nextId++ + ",\"method\":\"initialize\",\"params\":"
        + "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"overhead-run\","
        + "\"version\":\"1\"}}}");
    if (init.status() != 200 || init.sessionId() == null) {
      throw new IllegalStateException("initialize failed: HTTP " + init.status() + " " + init.body());
    }
    sessionHeader = "Mcp-Session-Id: " + init.sessionId() + "\r\n";
    Response initialized = post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
    if (initialized.status() != 202 && initialized.status() != 200) {
      throw new IllegalStateException("notifications/initialized failed: HTTP " + initialized.status());
    }
  }

  Response callGetTrack() throws IOException {
    return post("{\"jsonrpc\":\"2.0\",\"id\":" + nextId++ + ",\"method\":\"tools/call\",\"params\":{\"name\":"
        + "\"get_track\",\"arguments\":{\"id\":\"trk-1-1\"}}}");
  }

  /** Whether the server lists the agent's {@code rate_limit_status} tool (whatever headers it sends). */
  boolean listsStatusTool() throws IOException {
    Response tools = post("{\"jsonrpc\":\"2.0\",\"id\":" + nextId++ + ",\"method\":\"tools/list\"}");
    if (tools.status() != 200) {
      throw new IllegalStateException("tools/list failed: HTTP " + tools.status() + " " + tools.body());
    }
    return tools.body().contains("\"rate_limit_status\"");
  }

  /**
   * One {@code get_track} call, checked: a tool result, and rate-limit headers present exactly
   * when {@code headers}. Returns the call's latency in nanoseconds.
   */
  long checkedCall(boolean headers) throws IOException {
    long start = System.nanoTime();
    Response response = callGetTrack();
    long took = System.nanoTime() - start;
    if (response.status() != 200 || !response.body().contains("\"isError\":false")) {
      throw new IllegalStateException("call failed: HTTP " + response.status() + " " + response.body());
    }
    if (response.rateLimitHeaders() != headers) {
      throw new IllegalStateException(headers ? "a response without the agent's rate-limit headers: is the agent attached?"
          : "a response with rate-limit headers where none were expected");
    }
    return took;
  }

  private Response post(String json) throws IOException {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    out.write((fixedHeaders + sessionHeader + "Content-Length: " + body.length + "\r\n\r\n")
        .getBytes(StandardCharsets.ISO_8859_1));
    out.write(body);
    out.flush();

    String statusLine = line();
    int status = Integer.parseInt(statusLine.substring(9, 12));
    long length = -1;
    boolean chunked = false;
    boolean rateLimit = false;
    String session = null;
    for (String header = line(); !header.isEmpty(); header = line()) {
      int colon = header.indexOf(':');
      String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = header.substring(colon + 1).trim();
      switch (name) {
        case "content-length" -> length = Long.parseLong(value);
        case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
        case "x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset", "ratelimit-policy", "ratelimit" ->
            rateLimit = true;
        case "mcp-session-id" -> session = value;
        default -> { }
      }
    }
    ByteArrayOutputStream content = new ByteArrayOutputStream(1024);
    if (chunked) {
      for (int size = Integer.parseInt(chunkSize(line()), 16); size > 0;
          size = Integer.parseInt(chunkSize(line()), 16)) {
        content.write(in.readNBytes(size));
        line(); // the CRLF after the chunk
      }
      for (String trailer = line(); !trailer.isEmpty(); trailer = line()) {
        // trailers: none expected
      }
    } else if (length > 0) {
      content.write(in.readNBytes((int) length));
    }
    return new Response(status, content.toString(StandardCharsets.UTF_8), rateLimit, session);
  }

  private static String chunkSize(String line) {
    int semicolon = line.indexOf(';');
    return (semicolon < 0 ? line : line.substring(0, semicolon)).trim();
  }

  private final StringBuilder lineBuffer = new StringBuilder(128);

  private String line() throws IOException {
    lineBuffer.setLength(0);
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c < 0) {
        throw new IOException("the server closed the connection");
      }
      if (c != '\r') {
        lineBuffer.append((char) c);
      }
    }
    return lineBuffer.toString();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
