package dev.mcpratelimit.identity;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** The configured callers, found by id or by API key. */
public final class CallerDirectory {

  private final Map<String, Caller> byId;
  private final Map<KeyDigest, Caller> byKeyHash;

  /** @param callers callers with distinct ids and distinct key hashes (the config parser checks) */
  public CallerDirectory(Collection<Caller> callers) {
    Map<String, Caller> ids = new HashMap<>();
    Map<KeyDigest, Caller> hashes = new HashMap<>();
    for (Caller caller : callers) {
      ids.put(caller.id(), caller);
      if (caller.apiKeySha256() != null) {
        hashes.put(KeyDigest.ofHex(caller.apiKeySha256()), caller);
      }
    }
    this.byId = Map.copyOf(ids);
    this.byKeyHash = Map.copyOf(hashes);
  }

  public Optional<Caller> byId(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  /** The caller whose key this is; the key is hashed here and goes no further. */
  public Optional<Caller> byApiKey(String apiKey) {
    return Optional.ofNullable(byKeyHash.get(KeyDigest.of(apiKey)));
  }
}
