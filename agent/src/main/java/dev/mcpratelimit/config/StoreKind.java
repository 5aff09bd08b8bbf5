package dev.mcpratelimit.config;

/** Where buckets live ({@code store=}). */
public enum StoreKind {
  MEMORY
}
