package com.example.music;

/** One track of the catalog. */
public record Track(String id, String title, String artist, String albumId, String genre, int year,
        int durationSeconds) {
}
