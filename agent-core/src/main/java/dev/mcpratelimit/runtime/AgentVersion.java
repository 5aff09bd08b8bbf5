package dev.mcpratelimit.runtime;

/** The agent's version, from the jar's manifest ({@code Implementation-Version}). */
public final class AgentVersion {

  private AgentVersion() {}

  /** The version, or {@code (dev)} when running from classes rather than the packaged jar. */
  public static String current() {
    String version = AgentVersion.class.getPackage().getImplementationVersion();
    return version == null ? "(dev)" : version;
  }
}
