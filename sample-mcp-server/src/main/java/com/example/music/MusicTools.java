package com.example.music;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import io.modelcontextprotocol.spec.McpSchema.ToolAnnotations;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** The five catalog tools: their MCP descriptions, JSON input schemas and handlers. */
public final class MusicTools {

    private static final int MAX_SEARCH_LIMIT = 20;
    private static final int MAX_RECOMMENDATIONS = 10;
    private static final int MAX_PLAYLIST_TRACKS = 50;

    private final CatalogClient catalog;
    private final Playlists playlists;
    private final McpJsonMapper json;

    public MusicTools(CatalogClient catalog, Playlists playlists, McpJsonMapper json) {
        this.catalog = catalog;
        this.playlists = playlists;
        this.json = json;
    }

    public List<SyncToolSpecification> specifications() {
        return List.of(searchTracks(), getTrack(), getAlbum(), createPlaylist(), recommendTracks());
    }

    private SyncToolSpecification searchTracks() {
        Map<String, Object> schema = objectSchema(List.of("query"), Map.of(
                "query", Map.of("type", "string", "minLength", 1,
                        "description", "Text to look for, e.g. an artist name or 'jazz'"),
                "limit", Map.of("type", "integer", "minimum", 1, "maximum", MAX_SEARCH_LIMIT, "default", 5,
                        "description", "Maximum number of tracks to return")));
        Tool tool = Tool.builder("search_tracks", schema)
                .title("Search tracks")
                .description("Finds tracks whose title, artist, album title or genre contains the query "
                        + "(case-insensitive). Returns at most `limit` tracks.")
                .annotations(readOnly())
                .build();
        return handle(tool, args -> {
            String query = Arguments.string(args, "query");
            int limit = Arguments.integer(args, "limit", 5, MAX_SEARCH_LIMIT);
            return Map.of("query", query, "tracks", catalog.search(query, limit));
        });
    }

    private SyncToolSpecification getTrack() {
        Map<String, Object> schema = objectSchema(List.of("id"), Map.of(
                "id", idProperty("Track id, e.g. 'trk-1-1'")));
        Tool tool = Tool.builder("get_track", schema)
                .title("Get track")
                .description("Returns one track by id (e.g. 'trk-1-1'): title, artist, album id, genre, year "
                        + "and duration in seconds.")
                .annotations(readOnly())
                .build();
        return handle(tool, args -> existingTrack(Arguments.string(args, "id")));
    }

    private SyncToolSpecification getAlbum() {
        Map<String, Object> schema = objectSchema(List.of("id"), Map.of(
                "id", idProperty("Album id, e.g. 'alb-1'")));
        Tool tool = Tool.builder("get_album", schema)
                .title("Get album")
                .description("Returns one album by id (e.g. 'alb-1') with its tracks in running order.")
                .annotations(readOnly())
                .build();
        return handle(tool, args -> {
            String id = Arguments.string(args, "id");
            return catalog.album(id).orElseThrow(() -> new IllegalArgumentException("unknown album id: " + id));
        });
    }

    private SyncToolSpecification createPlaylist() {
        Map<String, Object> schema = objectSchema(List.of("name", "track_ids"), Map.of(
                "name", Map.of("type", "string", "minLength", 1, "description", "Playlist name"),
                "track_ids", Map.of("type", "array", "minItems", 1, "maxItems", MAX_PLAYLIST_TRACKS,
                        "items", Map.of("type", "string"), "description", "Track ids, in playlist order")));
        Tool tool = Tool.builder("create_playlist", schema)
                .title("Create playlist")
                .description("Creates a playlist from existing track ids, in the given order, and returns it "
                        + "with its new id and total duration. Fails if any track id is unknown.")
                .annotations(ToolAnnotations.builder().readOnlyHint(false).destructiveHint(false)
                        .idempotentHint(false).openWorldHint(false).build())
                .build();
        return handle(tool, args -> {
            String name = Arguments.string(args, "name");
            List<Track> tracks = Arguments.strings(args, "track_ids").stream().map(this::existingTrack).toList();
            return playlists.create(name, tracks);
        });
    }

    private SyncToolSpecification recommendTracks() {
        Map<String, Object> schema = objectSchema(List.of("seed_track_id"), Map.of(
                "seed_track_id", idProperty("Id of the track to start from, e.g. 'trk-1-1'"),
                "count", Map.of("type", "integer", "minimum", 1, "maximum", MAX_RECOMMENDATIONS, "default", 5,
                        "description", "Number of tracks to recommend")));
        Tool tool = Tool.builder("recommend_tracks", schema)
                .title("Recommend tracks")
                .description("Recommends tracks similar to a seed track (same artist, genre, era), best first. "
                        + "Expensive: every call goes to the upstream recommendation service.")
                .annotations(readOnly())
                .build();
        return handle(tool, args -> {
            String seed = Arguments.string(args, "seed_track_id");
            int count = Arguments.integer(args, "count", 5, MAX_RECOMMENDATIONS);
            return Map.of("seed_track_id", seed, "tracks", catalog.recommend(seed, count));
        });
    }

    private Track existingTrack(String id) {
        return catalog.track(id).orElseThrow(() -> new IllegalArgumentException("unknown track id: " + id));
    }

    /**
     * Bad arguments and unknown ids become a tool-level error result ({@code isError: true}): the MCP
     * spec's way to report an error the model can correct, as opposed to a protocol error.
     */
    private SyncToolSpecification handle(Tool tool, Function<Map<String, Object>, Object> body) {
        return SyncToolSpecification.builder()
                .tool(tool)
                .callHandler((exchange, request) -> {
                    try {
                        return success(body.apply(request.arguments() == null ? Map.of() : request.arguments()));
                    } catch (IllegalArgumentException e) {
                        return CallToolResult.builder().isError(true).addTextContent(e.getMessage()).build();
                    }
                })
                .build();
    }

    /** Text content for clients that only read text, plus the same value as structured content. */
    private CallToolResult success(Object value) {
        try {
            return CallToolResult.builder()
                    .addTextContent(json.writeValueAsString(value))
                    .structuredContent(value)
                    .isError(false)
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, Object> objectSchema(List<String> required, Map<String, Object> properties) {
        return Map.of("type", "object", "properties", properties, "required", required,
                "additionalProperties", false);
    }

    private static Map<String, Object> idProperty(String description) {
        return Map.of("type", "string", "minLength", 1, "description", description);
    }

    private static ToolAnnotations readOnly() {
        return ToolAnnotations.builder().readOnlyHint(true).openWorldHint(false).build();
    }
}
