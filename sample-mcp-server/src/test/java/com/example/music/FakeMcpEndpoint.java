package com.example.music;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A minimal Streamable HTTP endpoint that completes the MCP handshake and then answers every
 * {@code tools/call} the same scripted way: the rejections a rate limiter in front of a real server
 * could produce, which the catalog server itself never does.
 */
final class FakeMcpEndpoint implements AutoCloseable {

    /** How to answer a tool call: an HTTP status, and a JSON-RPC member ("result" or "error") or a plain body. */
    record Answer(int status, String member, Object value) {

        static Answer toolError(String text) {
            return new Answer(200, "result", Map.of("content", List.of(Map.of("type", "text", "text", text)),
                    "isError", true));
        }

        static Answer rpcError(int code, String message, Object data) {
            return new Answer(200, "error", Map.of("code", code, "message", message, "data", data));
        }

        static Answer httpStatus(int status, String body) {
            return new Answer(status, null, body);
        }
    }

    private final McpJsonMapper json = McpJsonDefaults.getMapper();
    private final HttpServer http;
    private final Answer toolCallAnswer;
    private final List<String> apiKeys = new CopyOnWriteArrayList<>();

    FakeMcpEndpoint(Answer toolCallAnswer) throws IOException {
        this.toolCallAnswer = toolCallAnswer;
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/mcp", this::handle);
        http.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + http.getAddress().getPort() + "/mcp");
    }

    /** The X-API-Key header of every request received, in order. */
    List<String> apiKeys() {
        return apiKeys;
    }

    @Override
    public void close() {
        http.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            apiKeys.add(String.valueOf(exchange.getRequestHeaders().getFirst(DemoClient.API_KEY_HEADER)));
            if (!"POST".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            Map<?, ?> message = json.readValue(exchange.getRequestBody().readAllBytes(), Map.class);
            Object id = message.get("id");
            if (id == null) {
                exchange.sendResponseHeaders(202, -1);
            } else if ("initialize".equals(message.get("method"))) {
                Map<?, ?> params = (Map<?, ?>) message.get("params");
                reply(exchange, new Answer(200, "result", Map.of(
                        "protocolVersion", params.get("protocolVersion"),
                        "capabilities", Map.of("tools", Map.of()),
                        "serverInfo", Map.of("name", "fake", "version", "1"))), id);
            } else {
                reply(exchange, toolCallAnswer, id);
            }
        }
    }

    private void reply(HttpExchange exchange, Answer answer, Object id) throws IOException {
        byte[] body;
        if (answer.member() == null) {
            body = ((String) answer.value()).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain");
        } else {
            Map<String, Object> response = new LinkedHashMap<>();
            response.put("jsonrpc", "2.0");
            response.put("id", id);
            response.put(answer.member(), answer.value());
            body = json.writeValueAsBytes(response);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
        }
        exchange.sendResponseHeaders(answer.status(), body.length);
        exchange.getResponseBody().write(body);
    }
}
