package com.example.music;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The small in-memory music catalog the server ships with: no network, no files. */
public final class Catalog {

    private final Map<String, Album> albums = new LinkedHashMap<>();
    private final Map<String, Track> tracks = new LinkedHashMap<>();

    private Catalog() {
    }

    /** Four albums of five tracks each; ids are stable so tests and demos can name them. */
    public static Catalog builtIn() {
        Catalog catalog = new Catalog();
        catalog.add("alb-1", "Blue Hour Sessions", "The Marlowe Quartet", "jazz", 2019,
                "Night Ferry", 312, "Slow Lanterns", 287, "Harbour Lights", 401, "Quiet Exchange", 255,
                "Last Call at Nine", 338);
        catalog.add("alb-2", "Signal Bloom", "Nova Static", "electronic", 2022,
                "Carrier Wave", 244, "Photon Garden", 301, "Low Orbit", 276, "Glass Circuit", 219,
                "Afterimage", 362);
        catalog.add("alb-3", "Gravel Roads", "The Copper Lines", "rock", 2016,
                "Dust and Diesel", 208, "Open Highway", 233, "Broken Compass", 251, "Neon Motel", 197,
                "Home by Morning", 284);
        catalog.add("alb-4", "Paper Boats", "Ines Calder", "folk", 2021,
                "River Song", 226, "Paper Boats", 198, "Winter Orchard", 243, "Lantern Hill", 215,
                "Blue Hour", 269);
        return catalog;
    }

    public Optional<Track> track(String id) {
        return Optional.ofNullable(tracks.get(id));
    }

    public Optional<Album> album(String id) {
        return Optional.ofNullable(albums.get(id));
    }

    public Collection<Track> tracks() {
        return tracks.values();
    }

    /** Adds an album from alternating title/duration pairs; track ids are derived from the album id. */
    private void add(String albumId, String title, String artist, String genre, int year, Object... titleAndSeconds) {
        List<Track> albumTracks = new ArrayList<>();
        for (int i = 0; i < titleAndSeconds.length; i += 2) {
            String trackId = "trk-" + albumId.substring("alb-".length()) + "-" + (i / 2 + 1);
            Track track = new Track(trackId, (String) titleAndSeconds[i], artist, albumId, genre, year,
                    (Integer) titleAndSeconds[i + 1]);
            albumTracks.add(track);
            tracks.put(trackId, track);
        }
        albums.put(albumId, new Album(albumId, title, artist, genre, year, albumTracks));
    }
}
