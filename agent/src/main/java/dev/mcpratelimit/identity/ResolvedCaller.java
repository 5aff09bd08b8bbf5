package dev.mcpratelimit.identity;

/** The caller one call is charged to: a configured caller, or an anonymous one on the default tier. */
public record ResolvedCaller(String id, String tier) {}
