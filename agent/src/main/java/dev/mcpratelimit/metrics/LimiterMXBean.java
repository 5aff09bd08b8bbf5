package dev.mcpratelimit.metrics;

/** {@code dev.mcpratelimit:type=Limiter}: the limiter as a whole, and the operator's levers. */
public interface LimiterMXBean {

  String getMode();

  boolean isEnforcing();

  boolean isShadow();

  String getConfigFile();

  String getVersion();

  boolean isConfigValid();

  long getReloadCount();

  long getTrackedBuckets();

  long getAllowedTotal();

  long getRejectedTotal();

  long getShadowRejectedTotal();

  long getTokensConsumedTotal();

  long getInternalErrors();

  long getForgivenEvictions();

  double getRateFactor();

  int getActiveOverrides();

  /** An operation, not a setter: "set" would make Mode a writable attribute without a description. */
  void changeMode(String mode);

  void overrideTier(String caller, String tier, int minutes);

  void resetCaller(String caller);

  void scaleRates(double factor, int minutes);

  void clearOverrides();
}
