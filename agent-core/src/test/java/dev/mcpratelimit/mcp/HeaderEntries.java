package dev.mcpratelimit.mcp;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The headers as the response gets them, in order, for assertions. */
public final class HeaderEntries {

  private HeaderEntries() {}

  public static List<Map.Entry<String, String>> of(RateLimitHeaders headers) {
    List<Map.Entry<String, String>> entries = new ArrayList<>();
    try {
      headers.writeTo((name, value) -> entries.add(Map.entry(name, value)));
    } catch (Throwable e) {
      throw new AssertionError(e);
    }
    return entries;
  }
}
