package com.example.music;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Creates playlists with server-unique ids. No tool reads a playlist back, so none is kept;
 * the counter is atomic because tool calls run on several threads at once.
 */
public final class Playlists {

    private final AtomicInteger nextId = new AtomicInteger(1);

    public Playlist create(String name, List<Track> tracks) {
        int totalSeconds = tracks.stream().mapToInt(Track::durationSeconds).sum();
        return new Playlist("pl-" + nextId.getAndIncrement(), name, tracks, totalSeconds);
    }
}
