package dev.mcpratelimit.core;

/**
 * Identifies one bucket. {@code caller} is empty for {@link Scope#TOOL_GLOBAL}, {@code tool} is
 * empty for {@link Scope#CALLER}.
 */
public record BucketKey(Scope scope, String caller, String tool) {

  public static BucketKey caller(String caller) {
    return new BucketKey(Scope.CALLER, caller, "");
  }

  public static BucketKey callerTool(String caller, String tool) {
    return new BucketKey(Scope.CALLER_TOOL, caller, tool);
  }

  public static BucketKey toolGlobal(String tool) {
    return new BucketKey(Scope.TOOL_GLOBAL, "", tool);
  }
}
