package dev.mcpratelimit.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mcpratelimit.mcp.HeaderEntries;
import dev.mcpratelimit.mcp.RateLimitHeaders;
import jakarta.servlet.http.HttpServletResponse;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServletResponsesTest {

  /** A servlet response that records what is added to it, in order. */
  private static HttpServletResponse recording(List<Map.Entry<String, String>> added) {
    return (HttpServletResponse) Proxy.newProxyInstance(HttpServletResponse.class.getClassLoader(),
        new Class<?>[] {HttpServletResponse.class}, (proxy, method, args) -> {
          if (method.getName().equals("addHeader")) {
            added.add(Map.entry((String) args[0], (String) args[1]));
            return null;
          }
          throw new UnsupportedOperationException(method.getName());
        });
  }

  @Test
  void everyHeaderGoesToTheResponseInOrder() throws Throwable {
    RateLimitHeaders headers = new RateLimitHeaders("10", "0", "1795752997", "\"free\";q=10;w=60", "\"free\";r=0;t=60", "6");
    List<Map.Entry<String, String>> added = new ArrayList<>();
    ServletResponses.addHeaders(recording(added), headers);
    assertEquals(HeaderEntries.of(headers), added);
  }

  @Test
  void aRetryAfterAloneIsAdded() throws Throwable {
    // headers=none: a rejection keeps its Retry-After.
    List<Map.Entry<String, String>> added = new ArrayList<>();
    ServletResponses.addHeaders(recording(added), new RateLimitHeaders(null, null, null, null, null, "6"));
    assertEquals(List.of(Map.entry("Retry-After", "6")), added);
  }

  @Test
  void noHeadersTouchNoResponse() throws Throwable {
    // Not even a servlet response is needed (an unlimited call on any transport).
    ServletResponses.addHeaders("not a response", RateLimitHeaders.NONE);
  }
}
