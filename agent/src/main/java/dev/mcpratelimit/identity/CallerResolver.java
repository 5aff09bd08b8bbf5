package dev.mcpratelimit.identity;

/**
 * Decides who is calling from what the transport saw. A tier only ever comes from the operator's
 * configuration: a client can name itself with an API key, never choose its tier.
 */
public final class CallerResolver {

  /** The caller of calls that did not arrive over HTTP and of limited methods run outside a call. */
  public static final String ANONYMOUS = "anonymous";
  private static final String BEARER = "bearer ";

  private final CallerDirectory callers;
  private final String defaultTier;
  private final ResolvedCaller local;

  /**
   * @param stdioCaller the configured caller behind stdio, or {@code null} for the anonymous one
   */
  public CallerResolver(CallerDirectory callers, String defaultTier, String stdioCaller) {
    this.callers = callers;
    this.defaultTier = defaultTier;
    this.local = stdioCaller == null
        ? new ResolvedCaller(ANONYMOUS, defaultTier)
        : callers.byId(stdioCaller).map(c -> new ResolvedCaller(c.id(), c.tier()))
            .orElse(new ResolvedCaller(ANONYMOUS, defaultTier));
  }

  /** The caller behind a stdio transport (or any call that did not come over HTTP). */
  public ResolvedCaller local() {
    return local;
  }

  /**
   * The caller of an HTTP request.
   *
   * @param credential the value of the identity header ({@code null} when absent); a
   *     {@code Bearer} prefix is accepted so that {@code Authorization} can carry the key
   * @param remoteAddress the direct peer, which names an anonymous caller
   */
  public ResolvedCaller http(String credential, String remoteAddress) {
    String key = apiKey(credential);
    if (key != null) {
      Caller caller = callers.byApiKey(key).orElse(null);
      if (caller != null) {
        return new ResolvedCaller(caller.id(), caller.tier());
      }
    }
    // Unknown keys are anonymous too: one bucket per client address, so that inventing keys
    // buys nothing.
    return new ResolvedCaller("anon:" + (remoteAddress == null ? "unknown" : remoteAddress), defaultTier);
  }

  private static String apiKey(String credential) {
    if (credential == null) {
      return null;
    }
    String value = credential.strip();
    if (value.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      value = value.substring(BEARER.length()).strip();
    }
    return value.isEmpty() ? null : value;
  }
}
