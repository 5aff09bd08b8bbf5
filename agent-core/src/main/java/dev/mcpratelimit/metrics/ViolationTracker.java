package dev.mcpratelimit.metrics;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.mcpratelimit.core.NanoClock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;

/**
 * Rejections per caller over a sliding window: who is being refused most (a bounded top-N), and
 * who is refused persistently (more than a threshold within the window), announced once each
 * time a caller crosses the threshold. Only rejections come here, never the admit path.
 */
public final class ViolationTracker {

  /** A caller and its rejections within the window. */
  public record Violator(String caller, String tier, long rejections) {}

  /** Callers tracked at most; beyond it the quietest are forgotten first. */
  static final int MAX_CALLERS = 10_000;
  private static final int SLOTS = 10;

  private final NanoClock clock;
  private final long windowNanos;
  private final long threshold;
  private final int top;
  private final Consumer<Violator> onPersistent;
  private final Cache<String, Window> windows;

  /**
   * @param threshold a caller with more rejections than this within the window is persistent
   * @param onPersistent told once each time a caller becomes persistent
   */
  public ViolationTracker(NanoClock clock, long windowNanos, long threshold, int top, Consumer<Violator> onPersistent) {
    this.clock = clock;
    this.windowNanos = windowNanos;
    this.threshold = threshold;
    this.top = top;
    this.onPersistent = onPersistent;
    this.windows = Caffeine.newBuilder().maximumSize(MAX_CALLERS).executor(Runnable::run).build();
  }

  public void rejected(String caller, String tier) {
    long now = clock.nanoTime();
    Window window = windows.get(caller, c -> new Window(tier));
    Violator crossed = window.add(caller, tier, now);
    if (crossed != null) {
      onPersistent.accept(crossed);
    }
  }

  /** The callers with the most rejections within the window, most first. */
  public List<Violator> top() {
    long now = clock.nanoTime();
    List<Violator> all = new ArrayList<>();
    windows.asMap().forEach((caller, window) -> {
      Violator violator = window.snapshot(caller, now);
      if (violator.rejections() > 0) {
        all.add(violator);
      }
    });
    all.sort(Comparator.comparingLong(Violator::rejections).reversed().thenComparing(Violator::caller));
    return all.size() > top ? List.copyOf(all.subList(0, top)) : List.copyOf(all);
  }

  /** How many callers are over the threshold within the window now. */
  public int persistentViolators() {
    long now = clock.nanoTime();
    int count = 0;
    for (var entry : windows.asMap().entrySet()) {
      if (entry.getValue().snapshot(entry.getKey(), now).rejections() > threshold) {
        count++;
      }
    }
    return count;
  }

  public long windowNanos() {
    return windowNanos;
  }

  public long threshold() {
    return threshold;
  }

  /** Rejections in slots of a tenth of the window each; a slot is reused once it is a window old. */
  private final class Window {
    private final long[] counts = new long[SLOTS];
    private final long[] slotOf = new long[SLOTS];
    private String tier;
    private boolean persistent;

    Window(String tier) {
      this.tier = tier;
    }

    synchronized Violator add(String caller, String tier, long now) {
      this.tier = tier;
      long slot = now / (windowNanos / SLOTS);
      int index = (int) Math.floorMod(slot, SLOTS);
      if (slotOf[index] != slot) {
        slotOf[index] = slot;
        counts[index] = 0;
      }
      counts[index]++;
      long total = total(slot);
      if (total <= threshold) {
        persistent = false;
        return null;
      }
      if (persistent) {
        return null;
      }
      persistent = true;
      return new Violator(caller, tier, total);
    }

    synchronized Violator snapshot(String caller, long now) {
      long total = total(now / (windowNanos / SLOTS));
      if (total <= threshold) {
        persistent = false;
      }
      return new Violator(caller, tier, total);
    }

    private long total(long currentSlot) {
      long total = 0;
      for (int i = 0; i < SLOTS; i++) {
        if (currentSlot - slotOf[i] < SLOTS && slotOf[i] <= currentSlot && counts[i] > 0) {
          total += counts[i];
        }
      }
      return total;
    }
  }
}
