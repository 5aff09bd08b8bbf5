package com.example.music;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Stands for the upstream music API the server fronts. Deliberately a plain, public, non-final class
 * with ordinary instance methods, so a Java agent can instrument {@link #recommend} and
 * {@link #search} by name.
 */
public class CatalogClient {

    private final Catalog catalog;

    public CatalogClient(Catalog catalog) {
        this.catalog = catalog;
    }

    /** Tracks whose title, artist, album title or genre contains {@code query}, ignoring case. */
    public List<Track> search(String query, int limit) {
        String needle = query.toLowerCase(Locale.ROOT);
        return catalog.tracks().stream()
                .filter(track -> searchableText(track).contains(needle))
                .limit(limit)
                .toList();
    }

    /**
     * The expensive call: scores every other track of the catalog against the seed (same artist,
     * same genre, close release year) and returns the best {@code count}.
     *
     * @throws IllegalArgumentException if the seed track does not exist
     */
    public List<Track> recommend(String seedTrackId, int count) {
        Track seed = catalog.track(seedTrackId)
                .orElseThrow(() -> new IllegalArgumentException("unknown track id: " + seedTrackId));
        return catalog.tracks().stream()
                .filter(track -> !track.id().equals(seed.id()))
                .sorted(Comparator.comparingInt((Track track) -> similarity(seed, track)).reversed()
                        .thenComparing(Track::id))
                .limit(count)
                .toList();
    }

    public Optional<Track> track(String id) {
        return catalog.track(id);
    }

    public Optional<Album> album(String id) {
        return catalog.album(id);
    }

    private String searchableText(Track track) {
        String albumTitle = catalog.album(track.albumId()).map(Album::title).orElse("");
        return String.join(" ", track.title(), track.artist(), albumTitle, track.genre()).toLowerCase(Locale.ROOT);
    }

    private static int similarity(Track seed, Track other) {
        int score = 0;
        if (other.artist().equals(seed.artist())) {
            score += 3;
        }
        if (other.genre().equals(seed.genre())) {
            score += 2;
        }
        if (Math.abs(other.year() - seed.year()) <= 3) {
            score += 1;
        }
        return score;
    }
}
