package com.example.music;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every tool, called with the SDK's own client over Streamable HTTP against an in-process server. */
class HttpMusicServerTest {

    private static HttpMusicServer server;
    private static McpSyncClient client;

    @BeforeAll
    static void start() throws Exception {
        server = HttpMusicServer.start("127.0.0.1", 0);
        String url = server.endpoint().toString();
        client = McpClient.sync(HttpClientStreamableHttpTransport.builder(url).endpoint(url).build())
                .requestTimeout(Duration.ofSeconds(10))
                .build();
        client.initialize();
    }

    @AfterAll
    static void stop() {
        client.closeGracefully();
        server.close();
    }

    @Test
    void endpointHasTheBoundPort() {
        assertTrue(server.endpoint().getPort() > 0);
        assertEquals("/mcp", server.endpoint().getPath());
    }

    @Test
    void listsTheFiveToolsWithObjectSchemas() {
        List<Tool> tools = client.listTools().tools();

        assertEquals(Set.of("search_tracks", "get_track", "get_album", "create_playlist", "recommend_tracks"),
                tools.stream().map(Tool::name).collect(Collectors.toSet()));
        for (Tool tool : tools) {
            assertFalse(tool.description().isBlank(), tool.name());
            assertEquals("object", tool.inputSchema().get("type"), tool.name());
            assertFalse(((List<?>) tool.inputSchema().get("required")).isEmpty(), tool.name());
        }
    }

    @Test
    void searchTracksMatchesTitlesAndAlbumsAndHonoursTheLimit() {
        List<Map<String, Object>> all = tracks(call("search_tracks", Map.of("query", "BLUE", "limit", 20)));
        List<Map<String, Object>> firstTwo = tracks(call("search_tracks", Map.of("query", "blue", "limit", 2)));

        // Five tracks of the album "Blue Hour Sessions" plus the folk track "Blue Hour".
        assertEquals(6, all.size());
        assertEquals(2, firstTwo.size());
    }

    @Test
    void getTrackReturnsTheTrack() {
        Map<String, Object> track = structured(call("get_track", Map.of("id", "trk-2-3")));

        assertEquals("Low Orbit", track.get("title"));
        assertEquals("Nova Static", track.get("artist"));
        assertEquals("alb-2", track.get("albumId"));
    }

    @Test
    void getTrackWithAnUnknownIdIsAToolError() {
        CallToolResult result = callRaw("get_track", Map.of("id", "trk-9-9"));

        assertTrue(result.isError());
        assertEquals("unknown track id: trk-9-9", text(result));
    }

    @Test
    void getAlbumReturnsItsTracksInOrder() {
        Map<String, Object> album = structured(call("get_album", Map.of("id", "alb-4")));

        assertEquals("Paper Boats", album.get("title"));
        List<Map<String, Object>> tracks = tracks(album);
        assertEquals(5, tracks.size());
        assertEquals("River Song", tracks.get(0).get("title"));
    }

    @Test
    void createPlaylistKeepsTheOrderAndAddsUpTheDuration() {
        Map<String, Object> playlist = structured(call("create_playlist",
                Map.of("name", "Road trip", "track_ids", List.of("trk-3-2", "trk-1-1"))));

        assertTrue(((String) playlist.get("id")).startsWith("pl-"));
        assertEquals("Road trip", playlist.get("name"));
        assertEquals(List.of("trk-3-2", "trk-1-1"), tracks(playlist).stream().map(t -> t.get("id")).toList());
        assertEquals(233 + 312, playlist.get("totalDurationSeconds"));
    }

    @Test
    void createPlaylistWithAnUnknownTrackIsAToolError() {
        CallToolResult result = callRaw("create_playlist",
                Map.of("name", "Broken", "track_ids", List.of("trk-1-1", "nope")));

        assertTrue(result.isError());
        assertEquals("unknown track id: nope", text(result));
    }

    @Test
    void recommendTracksPrefersTheSameArtist() {
        Map<String, Object> result = structured(call("recommend_tracks", Map.of("seed_track_id", "trk-1-1", "count", 3)));

        List<Map<String, Object>> tracks = tracks(result);
        assertEquals(3, tracks.size());
        tracks.forEach(track -> assertEquals("The Marlowe Quartet", track.get("artist")));
        assertFalse(tracks.stream().anyMatch(track -> "trk-1-1".equals(track.get("id"))));
    }

    @Test
    void argumentsThatBreakTheSchemaAreRejected() {
        CallToolResult result = callRaw("recommend_tracks",
                Map.of("seed_track_id", "trk-1-1", "count", 99));

        assertTrue(result.isError());
    }

    @Test
    void anUnknownToolIsAJsonRpcError() {
        McpError error = assertThrows(McpError.class,
                () -> callRaw("no_such_tool", Map.of()));

        assertEquals(-32602, error.getJsonRpcError().code());
    }

    private static CallToolResult call(String tool, Map<String, Object> arguments) {
        CallToolResult result = callRaw(tool, arguments);
        assertFalse(Boolean.TRUE.equals(result.isError()), () -> tool + " failed: " + text(result));
        return result;
    }

    private static CallToolResult callRaw(String tool, Map<String, Object> arguments) {
        return client.callTool(CallToolRequest.builder(tool).arguments(arguments).build());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> structured(CallToolResult result) {
        return (Map<String, Object>) result.structuredContent();
    }

    private static List<Map<String, Object>> tracks(CallToolResult result) {
        return tracks(structured(result));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> tracks(Map<String, Object> value) {
        return (List<Map<String, Object>>) value.get("tracks");
    }

    private static String text(CallToolResult result) {
        return ((TextContent) result.content().get(0)).text();
    }
}
