package dev.mcpratelimit.identity;

import java.util.List;

/**
 * How callers are told apart, as configured: inert data, from which a {@link CallerResolver} is
 * built.
 *
 * @param callers the configured callers, with distinct ids and distinct key hashes
 * @param defaultTier the tier of callers the agent cannot identify
 * @param stdioCaller the configured caller behind stdio, or {@code null} for the anonymous one
 * @param header the HTTP header that carries API keys
 * @param requireKey whether HTTP calls without a known key are refused
 * @param trustedProxies the peers whose {@code X-Forwarded-For} names the client
 */
public record IdentitySettings(List<Caller> callers, String defaultTier, String stdioCaller, String header,
    boolean requireKey, TrustedProxies trustedProxies) {

  /** The header that carries API keys unless {@code identity.header} says otherwise. */
  public static final String DEFAULT_HEADER = "X-API-Key";

  public IdentitySettings {
    callers = List.copyOf(callers);
  }
}
