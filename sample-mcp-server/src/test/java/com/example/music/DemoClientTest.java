package com.example.music;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.example.music.FakeMcpEndpoint.Answer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DemoClientTest {

    @Test
    void everyCallToTheRealServerIsAllowed() throws Exception {
        try (HttpMusicServer server = HttpMusicServer.start("127.0.0.1", 0)) {
            Run run = run("--url", server.endpoint().toString(), "--calls", "3", "--tool", "search_tracks");

            assertEquals(new DemoClient.Summary(3, 0), run.summary());
            assertEquals(List.of(
                    "call 1/3 search_tracks: allowed",
                    "call 2/3 search_tracks: allowed",
                    "call 3/3 search_tracks: allowed",
                    "summary: 3 calls, 3 allowed, 0 rejected"), run.lines());
        }
    }

    @Test
    void anUnknownToolIsReportedAndTheRunGoesOn() throws Exception {
        try (HttpMusicServer server = HttpMusicServer.start("127.0.0.1", 0)) {
            Run run = run("--url", server.endpoint().toString(), "--calls", "2", "--tool", "no_such_tool");

            assertEquals(new DemoClient.Summary(0, 2), run.summary());
            assertTrue(run.lines().get(0).startsWith("call 1/2 no_such_tool: rejected: McpError -32602"),
                    run.lines().get(0));
        }
    }

    @Test
    void aToolErrorResultIsARejection() throws Exception {
        try (FakeMcpEndpoint fake = new FakeMcpEndpoint(Answer.toolError("slow down"))) {
            Run run = run("--url", fake.endpoint().toString(), "--calls", "2");

            assertEquals(new DemoClient.Summary(0, 2), run.summary());
            assertEquals("call 2/2 recommend_tracks: rejected: tool error: slow down", run.lines().get(1));
        }
    }

    @Test
    void aJsonRpcErrorIsPrintedWithItsData() throws Exception {
        try (FakeMcpEndpoint fake = new FakeMcpEndpoint(
                Answer.rpcError(-32000, "Rate limit exceeded", Map.of("retryAfterSeconds", 2)))) {
            Run run = run("--url", fake.endpoint().toString(), "--calls", "1");

            assertEquals("call 1/1 recommend_tracks: rejected: McpError -32000 Rate limit exceeded"
                    + " data={retryAfterSeconds=2}", run.lines().get(0));
        }
    }

    @Test
    void anHttpErrorStatusIsARejectionAndTheApiKeyIsSentOnEveryRequest() throws Exception {
        try (FakeMcpEndpoint fake = new FakeMcpEndpoint(Answer.httpStatus(429, "Too Many Requests"))) {
            Run run = run("--url", fake.endpoint().toString(), "--calls", "2", "--api-key", "k-123");

            assertEquals(new DemoClient.Summary(0, 2), run.summary());
            assertTrue(run.lines().get(0).startsWith("call 1/2 recommend_tracks: rejected: McpTransportException"),
                    run.lines().get(0));
            assertTrue(fake.apiKeys().size() >= 4, fake.apiKeys()::toString);
            fake.apiKeys().forEach(key -> assertEquals("k-123", key));
        }
    }

    @Test
    void aJsonRpcErrorInsideAnHttpErrorBodyIsShownLikeAnMcpError() {
        String sse = "Received unexpected status code: 429, response body: id: 1\nevent: message\n"
                + "data: {\"jsonrpc\":\"2.0\",\"id\":3,\"error\":{\"code\":-32000,\"message\":\"Rate limit exceeded\","
                + "\"data\":{\"retryAfterSeconds\":6}}}\n\n";
        assertEquals("HTTP 429 with JSON-RPC error -32000 Rate limit exceeded data={retryAfterSeconds=6}",
                DemoClient.jsonRpcErrorInHttpError(sse));
        assertEquals(null, DemoClient.jsonRpcErrorInHttpError(
                "Received unexpected status code: 429, response body: Too Many Requests"));
    }

    private record Run(DemoClient.Summary summary, List<String> lines) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        DemoClient.Summary summary = DemoClient.run(DemoClient.Options.parse(args),
                new PrintStream(buffer, true, StandardCharsets.UTF_8));
        return new Run(summary, buffer.toString(StandardCharsets.UTF_8).lines().toList());
    }
}
