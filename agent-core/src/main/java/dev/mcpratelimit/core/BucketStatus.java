package dev.mcpratelimit.core;

/**
 * One bucket as a caller may see it, without charging it.
 *
 * @param tool the tool for caller-tool and tool-global buckets, {@code null} for the caller's
 * @param cost what one call of {@code tool} takes; for the caller's bucket, 1
 */
public record BucketStatus(Scope scope, String tool, BucketLimit limit, long cost, long remaining, long nanosUntilFull) {}
