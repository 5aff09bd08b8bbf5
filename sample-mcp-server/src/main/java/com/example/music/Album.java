package com.example.music;

import java.util.List;

/** One album of the catalog, with its tracks in running order. */
public record Album(String id, String title, String artist, String genre, int year, List<Track> tracks) {

    public Album {
        tracks = List.copyOf(tracks);
    }
}
