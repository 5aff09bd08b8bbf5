package dev.mcpratelimit.config;

import java.util.regex.Pattern;

/** A plain method to limit like a tool called {@code name} ({@code method.<name>.target=Class#method}). */
public record MethodTarget(String name, String className, String methodName) {

  /** Packages whose classes are never woven: advice there could not reach the agent (or would call itself). */
  private static final Pattern NEVER_WOVEN = Pattern.compile("(java|jdk|sun|dev\\.mcpratelimit)\\.");

  /** Whether the class is the JDK's ({@code java.*}, {@code jdk.*}, {@code sun.*}) or the agent's own: it is never woven. */
  public boolean neverWoven() {
    return NEVER_WOVEN.matcher(className).lookingAt();
  }

  @Override
  public String toString() {
    return className + "#" + methodName;
  }
}
