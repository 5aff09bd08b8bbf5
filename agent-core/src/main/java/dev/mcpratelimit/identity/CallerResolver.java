package dev.mcpratelimit.identity;

/**
 * Decides who is calling from what the transport saw. A tier only ever comes from the operator's
 * configuration: a client can name itself with an API key, never choose its tier.
 */
public final class CallerResolver {

  /** The caller of calls that did not arrive over HTTP and of limited methods run outside a call. */
  public static final String ANONYMOUS = "anonymous";
  /** Anonymous HTTP clients are named by their address after this prefix. */
  public static final String ANONYMOUS_HTTP = "anon:";
  private static final String UNKNOWN_PEER = "unknown";
  private static final String BEARER = "bearer ";

  private final CallerDirectory callers;
  private final String defaultTier;
  private final ResolvedCaller local;
  private final TrustedProxies trustedProxies;

  public CallerResolver(IdentitySettings settings) {
    this.callers = new CallerDirectory(settings.callers());
    this.defaultTier = settings.defaultTier();
    this.trustedProxies = settings.trustedProxies();
    this.local = settings.stdioCaller() == null
        ? anonymous()
        : callers.byId(settings.stdioCaller()).map(c -> new ResolvedCaller(c.id(), c.tier(), true))
            .orElse(anonymous());
  }

  /**
   * Whether {@code id} names a caller this configuration can charge: a configured caller,
   * {@value #ANONYMOUS}, or {@code anon:<address>} for an anonymous HTTP client.
   */
  public boolean knows(String id) {
    if (id.equals(ANONYMOUS) || callers.byId(id).isPresent()) {
      return true;
    }
    return id.startsWith(ANONYMOUS_HTTP) && (id.equals(ANONYMOUS_HTTP + UNKNOWN_PEER)
        || TrustedProxies.isAddress(id.substring(ANONYMOUS_HTTP.length())));
  }

  /** The caller behind a stdio transport (or any call that did not come over HTTP). */
  public ResolvedCaller local() {
    return local;
  }

  /** The anonymous caller on the default tier, charged for limited methods run outside any call. */
  public ResolvedCaller anonymous() {
    return new ResolvedCaller(ANONYMOUS, defaultTier, false);
  }

  /**
   * The caller of an HTTP request.
   *
   * @param credential the value of the identity header ({@code null} when absent); a
   *     {@code Bearer} prefix is accepted so that {@code Authorization} can carry the key
   * @param peer the direct peer's address
   * @param forwardedFor the {@code X-Forwarded-For} header, believed only from a trusted proxy
   */
  public ResolvedCaller http(String credential, String peer, String forwardedFor) {
    String key = apiKey(credential);
    if (key != null) {
      ResolvedCaller caller = callers.byApiKey(key);
      if (caller != null) {
        return caller;
      }
    }
    // Unknown keys are anonymous too: one bucket per client address, so that inventing keys
    // buys nothing.
    return new ResolvedCaller(ANONYMOUS_HTTP + clientAddress(peer, forwardedFor), defaultTier, false);
  }

  /**
   * The client's address: the peer, unless the peer is a trusted proxy, in which case the
   * nearest address in {@code X-Forwarded-For} that is not itself a trusted proxy (addresses
   * further left were written by whoever sent the request and prove nothing). A hop that is not
   * an IP address ends the walk at the proxy that forwarded it: caller ids stay short and bounded
   * in number whatever a client writes there.
   */
  String clientAddress(String peer, String forwardedFor) {
    String client = peer == null ? UNKNOWN_PEER : peer;
    if (forwardedFor == null || !trustedProxies.contains(client)) {
      return client;
    }
    String[] hops = forwardedFor.split(",");
    for (int i = hops.length - 1; i >= 0; i--) {
      String hop = hops[i].strip();
      if (hop.isEmpty()) {
        continue;
      }
      String address = TrustedProxies.canonical(hop);
      if (address == null) {
        break;
      }
      // One client, one bucket, however its proxy writes the address.
      client = address;
      if (!trustedProxies.contains(address)) {
        break;
      }
    }
    return client;
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
