package dev.mcpratelimit.runtime;

import dev.mcpratelimit.mcp.Rejection;

/**
 * Thrown into host code by a limited plain method ({@code method.<name>.target}) that lacks
 * tokens. Inside an MCP tool call the agent turns it into the rate-limit JSON-RPC error.
 */
public final class RateLimitExceededException extends RuntimeException {

  private final transient Rejection rejection;

  public RateLimitExceededException(Rejection rejection) {
    super(rejection.message(), null, false, false);
    this.rejection = rejection;
  }

  public Rejection rejection() {
    return rejection;
  }
}
