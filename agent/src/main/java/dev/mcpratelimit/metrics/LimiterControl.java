package dev.mcpratelimit.metrics;

/**
 * What the JMX beans read from and do to the running agent. Implemented by the agent's runtime,
 * so that this package knows nothing of how the agent is wired.
 */
public interface LimiterControl {

  /** enforce, shadow or off; "none" while no valid configuration is in force. */
  String mode();

  String configFile();

  String version();

  /** Whether the file as last read is valid; when not, the last good configuration (if any) is in force. */
  boolean configValid();

  long reloadCount();

  long trackedBuckets();

  long internalErrors();

  long forgivenEvictions();

  double rateFactor();

  int activeOverrides();

  void setMode(String mode);

  void overrideTier(String caller, String tier, int minutes);

  void resetCaller(String caller);

  void scaleRates(double factor, int minutes);

  void clearOverrides();
}
