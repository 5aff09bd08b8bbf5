package dev.mcpratelimit.config;

/** A plain method to limit like a tool called {@code name} ({@code method.<name>.target=Class#method}). */
public record MethodTarget(String name, String className, String methodName) {

  @Override
  public String toString() {
    return className + "#" + methodName;
  }
}
