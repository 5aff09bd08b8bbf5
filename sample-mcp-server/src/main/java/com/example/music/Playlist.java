package com.example.music;

import java.util.List;

/** A playlist created by a client; lives only as long as the server process. */
public record Playlist(String id, String name, List<Track> tracks, int totalDurationSeconds) {

    public Playlist {
        tracks = List.copyOf(tracks);
    }
}
