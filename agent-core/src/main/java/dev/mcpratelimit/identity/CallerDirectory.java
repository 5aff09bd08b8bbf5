package dev.mcpratelimit.identity;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** The configured callers, found by id or by API key. */
public final class CallerDirectory {

  private final Map<String, Caller> byId;
  /** Made once per caller: a call finds who it is without building anything. */
  private final DigestTable byKeyHash;

  /** @param callers callers with distinct ids and distinct key hashes (the config parser checks) */
  public CallerDirectory(Collection<Caller> callers) {
    Map<String, Caller> ids = new HashMap<>();
    Map<String, ResolvedCaller> hashes = new HashMap<>();
    for (Caller caller : callers) {
      ids.put(caller.id(), caller);
      if (caller.apiKeySha256() != null) {
        hashes.put(caller.apiKeySha256(), new ResolvedCaller(caller.id(), caller.tier(), true));
      }
    }
    this.byId = Map.copyOf(ids);
    this.byKeyHash = new DigestTable(hashes);
  }

  public Optional<Caller> byId(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  /** The caller whose key this is, or {@code null}; the key is hashed here and goes no further. */
  public ResolvedCaller byApiKey(String apiKey) {
    return byKeyHash.get(KeyHasher.sha256(apiKey));
  }
}
