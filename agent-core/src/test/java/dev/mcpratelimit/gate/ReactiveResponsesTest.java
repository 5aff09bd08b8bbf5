package dev.mcpratelimit.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.AbstractServerHttpResponse;
import reactor.core.publisher.Mono;

class ReactiveResponsesTest {

  /** What a server would send: the status and headers as they are when the response commits. */
  static final class SentResponse extends AbstractServerHttpResponse {
    Integer sentStatus;
    final Map<String, List<String>> sentHeaders = new HashMap<>();

    SentResponse() {
      super(DefaultDataBufferFactory.sharedInstance);
    }

    @Override
    public <T> T getNativeResponse() {
      throw new UnsupportedOperationException();
    }

    @Override
    protected Mono<Void> writeWithInternal(Publisher<? extends DataBuffer> body) {
      return Mono.empty();
    }

    @Override
    protected Mono<Void> writeAndFlushWithInternal(Publisher<? extends Publisher<? extends DataBuffer>> body) {
      return Mono.empty();
    }

    @Override
    protected void applyStatusCode() {
      sentStatus = getStatusCode() == null ? null : getStatusCode().value();
    }

    @Override
    protected void applyHeaders() {
      getHeaders().forEach(sentHeaders::put);
    }

    @Override
    protected void applyCookies() {}
  }

  @Test
  void aRejectionsStatusSurvivesTheStatusTheTransportSetsAfterwards() throws Throwable {
    SentResponse response = new SentResponse();
    assertTrue(ReactiveResponses.handles(response));
    ReactiveResponses.addHeader(response, "Retry-After", "20");
    ReactiveResponses.setStatus(response, 429);
    response.setStatusCode(HttpStatus.OK); // as ServerResponse.writeTo does, after the dispatch decided
    response.setComplete().block();
    assertEquals(429, response.sentStatus);
    assertEquals(List.of("20"), response.sentHeaders.get("Retry-After"));
  }

  @Test
  void headersAfterTheCommitAreLeftOutRatherThanFailing() throws Throwable {
    SentResponse response = new SentResponse();
    response.setStatusCode(HttpStatus.OK);
    response.setComplete().block();
    ReactiveResponses.addHeader(response, "X-RateLimit-Remaining", "0");
    assertNull(response.sentHeaders.get("X-RateLimit-Remaining"));
    assertEquals(200, response.sentStatus);
  }

  @Test
  void otherObjectsAreNoReactiveResponse() {
    assertFalse(ReactiveResponses.handles(new Object()));
    assertFalse(ReactiveResponses.handles(null));
  }
}
