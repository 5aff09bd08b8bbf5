package dev.mcpratelimit.metrics;

import dev.mcpratelimit.core.Decision;
import dev.mcpratelimit.core.Outcome;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Calls counted per tier and name (of a tool, or of a limited method: one instance each): allowed,
 * rejected, shadow-rejected, tokens consumed. Tool names come from clients, so past
 * {@link #MAX_TOOLS} distinct names the rest are counted as {@value #OTHER_TOOL}: a client
 * inventing names cannot grow this without bound.
 */
public final class UsageCounters implements DecisionObserver {

  public static final int MAX_TOOLS = 100;
  public static final String OTHER_TOOL = "_other";

  /** The counters of one tier and name. */
  public static final class Usage {
    private final LongAdder allowed = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder shadowRejected = new LongAdder();
    private final LongAdder unavailable = new LongAdder();
    private final LongAdder tokensConsumed = new LongAdder();

    public long allowed() {
      return allowed.sum();
    }

    public long rejected() {
      return rejected.sum();
    }

    public long shadowRejected() {
      return shadowRejected.sum();
    }

    public long unavailable() {
      return unavailable.sum();
    }

    public long tokensConsumed() {
      return tokensConsumed.sum();
    }
  }

  private final Map<String, Map<String, Usage>> byTierAndTool = new ConcurrentHashMap<>();
  private final Set<String> knownTools = ConcurrentHashMap.newKeySet();
  /** Told about each tier and name the first time it is counted, to publish its counters. */
  @FunctionalInterface
  public interface NewUsage {
    void counted(String tier, String name, Usage usage);
  }

  private final NewUsage onNewUsage;

  public UsageCounters(NewUsage onNewUsage) {
    this.onNewUsage = onNewUsage;
  }

  @Override
  public void observe(Decision decision) {
    if (decision.outcome() == Outcome.NOT_LIMITED) {
      return;
    }
    Usage usage = usage(decision.tier(), boundedTool(decision.tool()));
    switch (decision.outcome()) {
      case ALLOWED -> {
        usage.allowed.increment();
        usage.tokensConsumed.add(decision.cost());
      }
      case REJECTED -> usage.rejected.increment();
      case SHADOW_REJECTED -> {
        // Shadow mode lets the call through without charging the buckets that lacked tokens.
        usage.shadowRejected.increment();
      }
      case UNAVAILABLE -> usage.unavailable.increment();
      default -> throw new IllegalStateException(decision.outcome().name());
    }
  }

  public Usage usage(String tier, String tool) {
    Map<String, Usage> tierUsage = byTierAndTool.computeIfAbsent(tier, t -> new ConcurrentHashMap<>());
    Usage usage = tierUsage.get(tool);
    if (usage != null) {
      return usage;
    }
    Usage created = new Usage();
    Usage raced = tierUsage.putIfAbsent(tool, created);
    if (raced != null) {
      return raced;
    }
    onNewUsage.counted(tier, tool, created);
    return created;
  }

  private String boundedTool(String tool) {
    if (knownTools.contains(tool)) {
      return tool;
    }
    synchronized (knownTools) {
      if (knownTools.size() >= MAX_TOOLS && !knownTools.contains(tool)) {
        return OTHER_TOOL;
      }
      knownTools.add(tool);
      return tool;
    }
  }

  /** Sums over every tier and name. */
  public Totals totals() {
    long allowed = 0;
    long rejected = 0;
    long shadow = 0;
    long tokens = 0;
    for (Map<String, Usage> tier : byTierAndTool.values()) {
      for (Usage usage : tier.values()) {
        allowed += usage.allowed();
        rejected += usage.rejected();
        shadow += usage.shadowRejected();
        tokens += usage.tokensConsumed();
      }
    }
    return new Totals(allowed, rejected, shadow, tokens);
  }

  public record Totals(long allowed, long rejected, long shadowRejected, long tokensConsumed) {}
}
