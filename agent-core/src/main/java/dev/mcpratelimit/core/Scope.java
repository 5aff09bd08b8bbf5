package dev.mcpratelimit.core;

/** Which bucket a decision is about. The label is what clients and operators see. */
public enum Scope {
  /** The caller's tier bucket, shared by all the caller's tools. */
  CALLER("caller"),
  /** The caller's own bucket for one tool, when the tool has a limit for the caller's tier. */
  CALLER_TOOL("caller-tool"),
  /** One bucket for a tool shared by all callers. */
  TOOL_GLOBAL("tool-global");

  private final String label;

  Scope(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}
