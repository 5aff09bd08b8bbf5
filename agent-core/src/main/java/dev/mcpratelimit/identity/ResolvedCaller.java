package dev.mcpratelimit.identity;

/**
 * The caller one call is charged to.
 *
 * @param identified whether the caller is one the operator configured (by API key, or as the
 *     stdio caller), rather than an anonymous one on the default tier
 */
public record ResolvedCaller(String id, String tier, boolean identified) {}
