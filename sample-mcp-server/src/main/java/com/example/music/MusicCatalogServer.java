package com.example.music;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.spec.McpSchema.ServerCapabilities;

/** Configures an MCP sync server with the catalog tools, whatever transport the spec was made for. */
final class MusicCatalogServer {

    static final String NAME = "music-catalog";
    static final String VERSION = "0.1.0";

    private MusicCatalogServer() {
    }

    static McpSyncServer build(McpServer.SyncSpecification<?> spec) {
        MusicTools tools = new MusicTools(new CatalogClient(Catalog.builtIn()), new Playlists(),
                McpJsonDefaults.getMapper());
        return spec.serverInfo(NAME, VERSION)
                .instructions("A small music catalog: search tracks, look up tracks and albums, "
                        + "create playlists and get recommendations.")
                .capabilities(ServerCapabilities.builder().tools(false).build())
                .tools(tools.specifications())
                .build();
    }
}
