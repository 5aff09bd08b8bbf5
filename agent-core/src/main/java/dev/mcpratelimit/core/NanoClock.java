package dev.mcpratelimit.core;

/** Monotonic time source. Injected everywhere so that tests control time instead of sleeping. */
@FunctionalInterface
public interface NanoClock {
  long nanoTime();

  static NanoClock system() {
    return System::nanoTime;
  }
}
