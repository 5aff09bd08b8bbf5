package dev.mcpratelimit.mcp;

import java.util.AbstractMap;
import java.util.Collections;
import java.util.Map;
import java.util.Set;

/**
 * A rejection's data: an unmodifiable map (what JSON mappers write) whose type marks the error as
 * the agent's, so that an SDK error path can tell it from the server's own.
 */
final class RejectionData extends AbstractMap<String, Object> {

  private final Map<String, Object> entries;

  RejectionData(Map<String, Object> entries) {
    this.entries = Collections.unmodifiableMap(entries);
  }

  @Override
  public Set<Entry<String, Object>> entrySet() {
    return entries.entrySet();
  }

  @Override
  public Object get(Object key) {
    return entries.get(key);
  }
}
