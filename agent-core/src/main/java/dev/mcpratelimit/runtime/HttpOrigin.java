package dev.mcpratelimit.runtime;

/**
 * What an HTTP request tells about who sent it, as the transport received it.
 *
 * @param credential the identity header's value, or {@code null} when absent
 * @param peer the TCP peer's address
 * @param forwardedFor every {@code X-Forwarded-For} line joined by commas, or {@code null}
 */
public record HttpOrigin(String credential, String peer, String forwardedFor) {

  @Override
  public String toString() {
    // Never the credential: it is an API key.
    return "HttpOrigin[peer " + peer + "]";
  }
}
