package com.example.music;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Implementation;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import io.modelcontextprotocol.json.McpJsonDefaults;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Calls one tool of a running server N times over Streamable HTTP and prints, per call, whether it was
 * allowed or rejected, then a summary. A rejection may be a tool-level error result, a JSON-RPC error
 * ({@link McpError}) or a transport failure such as an HTTP error status; none of them stops the run.
 *
 * <pre>
 * java -cp sample-mcp-server.jar com.example.music.DemoClient --url http://127.0.0.1:8080/mcp \
 *      [--api-key K] [--calls N] [--tool NAME] [--show-result]
 * </pre>
 */
public final class DemoClient {

    static final String API_KEY_HEADER = "X-API-Key";
    private static final Pattern HTTP_ERROR = Pattern.compile("status code: (\\d+), response body: (.*)", Pattern.DOTALL);

    /** Arguments that succeed against the built-in catalog; other tool names are called without any. */
    private static final Map<String, Map<String, Object>> SAMPLE_ARGUMENTS = Map.of(
            "search_tracks", Map.of("query", "blue", "limit", 3),
            "get_track", Map.of("id", "trk-1-1"),
            "get_album", Map.of("id", "alb-1"),
            "create_playlist", Map.of("name", "Demo mix", "track_ids", List.of("trk-1-1", "trk-2-2", "trk-4-5")),
            "recommend_tracks", Map.of("seed_track_id", "trk-1-1", "count", 3));

    private DemoClient() {
    }

    public static void main(String[] args) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println("usage: DemoClient --url URL [--api-key K] [--calls N] [--tool NAME] [--show-result]");
            System.exit(2);
            return;
        }
        run(options, System.out);
    }

    static Summary run(Options options, PrintStream out) {
        HttpClientStreamableHttpTransport.Builder transport = HttpClientStreamableHttpTransport.builder(options.url())
                .endpoint(options.url());
        if (options.apiKey() != null) {
            // Runs for every HTTP request the transport sends, the session handshake included.
            transport.addHttpRequestCustomizer((request, method, uri, body, context) ->
                    request.header(API_KEY_HEADER, options.apiKey()));
        }
        McpSyncClient client = McpClient.sync(transport.build())
                .clientInfo(Implementation.builder("music-demo-client", MusicCatalogServer.VERSION).build())
                .requestTimeout(Duration.ofSeconds(10))
                .build();
        CallToolRequest request = CallToolRequest.builder(options.tool())
                .arguments(SAMPLE_ARGUMENTS.getOrDefault(options.tool(), Map.of()))
                .build();
        int allowed = 0;
        try {
            for (int call = 1; call <= options.calls(); call++) {
                // The client initializes the session lazily, so a failed handshake shows up as a rejected call.
                Outcome outcome = callOnce(client, request);
                if (outcome.allowed()) {
                    allowed++;
                }
                String shown = outcome.allowed()
                        ? "allowed" + (options.showResult() ? ": " + outcome.text() : "")
                        : "rejected: " + outcome.text();
                out.printf("call %d/%d %s: %s%n", call, options.calls(), options.tool(), shown);
            }
        } finally {
            closeQuietly(client);
        }
        Summary summary = new Summary(allowed, options.calls() - allowed);
        out.printf("summary: %d calls, %d allowed, %d rejected%n", options.calls(), summary.allowed(),
                summary.rejected());
        return summary;
    }

    /** Whether a call ran, and its result's text or why it was rejected. */
    private record Outcome(boolean allowed, String text) {
    }

    private static Outcome callOnce(McpSyncClient client, CallToolRequest request) {
        try {
            CallToolResult result = client.callTool(request);
            return Boolean.TRUE.equals(result.isError())
                    ? new Outcome(false, "tool error: " + text(result))
                    : new Outcome(true, text(result));
        } catch (RuntimeException e) {
            return new Outcome(false, describe(e));
        }
    }

    private static String describe(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof McpError error && error.getJsonRpcError() != null) {
                var rpc = error.getJsonRpcError();
                return "McpError " + rpc.code() + " " + rpc.message() + (rpc.data() == null ? "" : " data=" + rpc.data());
            }
            String httpError = t.getMessage() == null ? null : jsonRpcErrorInHttpError(t.getMessage());
            if (httpError != null) {
                return httpError;
            }
        }
        // The SDK wraps handshake failures ("Client failed to initialize ..."), so show the whole cause chain.
        List<String> chain = new ArrayList<>();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String name = t.getClass().getSimpleName();
            chain.add(t.getMessage() == null ? name : name + ": " + t.getMessage());
        }
        return String.join(" <- ", chain);
    }

    /**
     * An HTTP error status (e.g. 429) reaches the SDK client as a transport exception whose message
     * holds the response body; when that body is a JSON-RPC error (plain JSON or one SSE event),
     * show it like an {@link McpError}.
     */
    static String jsonRpcErrorInHttpError(String message) {
        Matcher matcher = HTTP_ERROR.matcher(message);
        if (!matcher.find()) {
            return null;
        }
        for (String line : matcher.group(2).split("\\R")) {
            String json = line.startsWith("data:") ? line.substring(5).strip() : line.strip();
            if (!json.startsWith("{")) {
                continue;
            }
            try {
                Map<?, ?> body = McpJsonDefaults.getMapper().readValue(json, Map.class);
                if (body.get("error") instanceof Map<?, ?> error) {
                    return "HTTP " + matcher.group(1) + " with JSON-RPC error " + error.get("code") + " "
                            + error.get("message") + (error.get("data") == null ? "" : " data=" + error.get("data"));
                }
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }
        return null;
    }

    private static String text(CallToolResult result) {
        return result.content().stream()
                .filter(TextContent.class::isInstance)
                .map(content -> ((TextContent) content).text())
                .collect(Collectors.joining(" "));
    }

    private static void closeQuietly(McpSyncClient client) {
        try {
            client.closeGracefully();
        } catch (RuntimeException e) {
            // The server may already be gone; nothing useful to do about it in a demo.
        }
    }

    record Options(String url, String apiKey, int calls, String tool, boolean showResult) {

        static Options parse(String[] args) {
            String url = null;
            String apiKey = null;
            int calls = 5;
            String tool = "recommend_tracks";
            boolean showResult = false;
            for (int i = 0; i < args.length; i++) {
                String flag = args[i];
                if (flag.equals("--show-result")) {
                    showResult = true;
                    continue;
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(flag + " needs a value");
                }
                String value = args[++i];
                switch (flag) {
                    case "--url" -> url = value;
                    case "--api-key" -> apiKey = value;
                    case "--calls" -> calls = positive(value);
                    case "--tool" -> tool = value;
                    default -> throw new IllegalArgumentException("unknown argument: " + flag);
                }
            }
            if (url == null) {
                throw new IllegalArgumentException("--url is required");
            }
            return new Options(url, apiKey, calls, tool, showResult);
        }

        private static int positive(String text) {
            try {
                int value = Integer.parseInt(text);
                if (value > 0) {
                    return value;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException("--calls must be a positive integer, got " + text);
        }
    }

    record Summary(int allowed, int rejected) {
    }
}
