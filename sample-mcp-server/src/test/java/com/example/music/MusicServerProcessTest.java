package com.example.music;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs {@link MusicServer#main} in a separate JVM, the way scripts and other modules will. */
class MusicServerProcessTest {

    private static final Pattern LISTENING = Pattern.compile("MusicServer listening on (http://127\\.0\\.0\\.1:\\d+/mcp)");

    @Test
    void httpModePrintsTheBoundPortAndServesTools(@TempDir Path dir) throws Exception {
        Path stdout = dir.resolve("stdout.txt");
        Process server = new ProcessBuilder(javaCommand("--port", "0"))
                .redirectOutput(stdout.toFile())
                .start();
        try {
            URI endpoint = listeningEndpoint(server);
            assertTrue(endpoint.getPort() > 0, "port 0 must be reported as the port actually bound");
            String url = endpoint.toString();

            try (McpSyncClient client = syncClient(HttpClientStreamableHttpTransport.builder(url).endpoint(url).build())) {
                assertEquals("Night Ferry", title(client.callTool(
                        CallToolRequest.builder("get_track").arguments(Map.of("id", "trk-1-1")).build())));
            }
        } finally {
            server.destroy();
            assertTrue(server.waitFor(10, TimeUnit.SECONDS), "server did not stop");
        }
        assertEquals("", Files.readString(stdout), "HTTP mode must not write to stdout");
    }

    @Test
    void stdioModeServesToolsWithAllLoggingOnStderr() {
        // DEBUG logging everywhere: if any of it reached stdout, the client would see non-JSON lines.
        ServerParameters parameters = ServerParameters.builder(javaBinary())
                .args(javaArgs(List.of("-Dio.modelcontextprotocol.LEVEL=DEBUG", "-Dorg.eclipse.jetty.LEVEL=DEBUG"),
                        "--stdio"))
                .build();
        StdioClientTransport transport = new StdioClientTransport(parameters, McpJsonDefaults.getMapper());
        List<String> stderr = new CopyOnWriteArrayList<>();
        transport.setStdErrorHandler(stderr::add);

        try (McpSyncClient client = syncClient(transport)) {
            client.initialize();
            assertEquals(5, client.listTools().tools().size());
            CallToolResult result = client.callTool(CallToolRequest.builder("recommend_tracks")
                    .arguments(Map.of("seed_track_id", "trk-3-1", "count", 2))
                    .build());
            assertFalse(Boolean.TRUE.equals(result.isError()));
        }
        assertTrue(stderr.stream().anyMatch(line -> line.contains("DEBUG")), "expected the debug log on stderr");
    }

    @Test
    void helpSaysHowToStartItOnStdoutAndExits0() throws Exception {
        for (String flag : List.of("--help", "-h")) {
            Process process = new ProcessBuilder(javaCommand(flag)).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(process.waitFor(20, TimeUnit.SECONDS), "--help must not start a server");
            assertEquals(0, process.exitValue(), stdout);
            assertEquals(MusicServer.USAGE, stdout);
            for (String option : List.of("--stdio", "--host HOST", "--port PORT", "http://HOST:PORT/mcp", "default 8080")) {
                assertTrue(stdout.contains(option), flag + " must mention " + option + ":\n" + stdout);
            }
        }
    }

    @Test
    void anUnknownArgumentIsNamedWithTheHelpOnStderrAndExits2() throws Exception {
        Process process = new ProcessBuilder(javaCommand("--prot", "8080")).start();
        String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(20, TimeUnit.SECONDS));
        assertEquals(2, process.exitValue());
        assertEquals("", stdout);
        assertEquals("unknown argument: --prot\n" + MusicServer.USAGE, stderr.replace(System.lineSeparator(), "\n"));
    }

    private static McpSyncClient syncClient(McpClientTransport transport) {
        return McpClient.sync(transport)
                .requestTimeout(Duration.ofSeconds(10))
                .initializationTimeout(Duration.ofSeconds(15))
                .build();
    }

    /** Reads the server's stderr until the listening line; keeps draining it afterwards so the server never blocks. */
    private static URI listeningEndpoint(Process server) throws Exception {
        CompletableFuture<URI> url = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(server.getErrorStream(), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    Matcher matcher = LISTENING.matcher(line);
                    if (matcher.matches()) {
                        url.complete(URI.create(matcher.group(1)));
                    }
                }
                url.completeExceptionally(new IllegalStateException("server exited without a listening line"));
            } catch (Exception e) {
                url.completeExceptionally(e);
            }
        });
        reader.setDaemon(true);
        reader.start();
        return url.get(20, TimeUnit.SECONDS);
    }

    private static String title(CallToolResult result) {
        assertFalse(Boolean.TRUE.equals(result.isError()));
        return (String) ((Map<?, ?>) result.structuredContent()).get("title");
    }

    private static List<String> javaCommand(String... serverArgs) {
        List<String> command = new ArrayList<>();
        command.add(javaBinary());
        command.addAll(javaArgs(List.of(), serverArgs));
        return command;
    }

    private static List<String> javaArgs(List<String> jvmOptions, String... serverArgs) {
        List<String> args = new ArrayList<>(jvmOptions);
        args.addAll(List.of("-cp", System.getProperty("java.class.path"), MusicServer.class.getName()));
        args.addAll(List.of(serverArgs));
        return args;
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
