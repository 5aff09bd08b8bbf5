package dev.mcpratelimit.config;

import dev.mcpratelimit.config.ConfigWatcher.Change;
import dev.mcpratelimit.core.NanoClock;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What a {@link ConfigWatcher} told the agent, and every line it reported, in order. */
final class RecordingListener implements ConfigWatcher.Listener {

  final List<AgentConfig> applied = new ArrayList<>();
  final List<Change> changes = new ArrayList<>();
  final List<String> invalidSummaries = new ArrayList<>();
  final List<String> reports = new ArrayList<>();

  ConfigWatcher watcher(Path file, NanoClock clock) {
    return new ConfigWatcher(file, clock, this, reports::add);
  }

  /** The configuration last put in force, {@code null} before any. */
  AgentConfig current() {
    return applied.isEmpty() ? null : applied.get(applied.size() - 1);
  }

  @Override
  public void valid(AgentConfig config, Change change) {
    applied.add(config);
    changes.add(change);
  }

  @Override
  public void invalid(String summary, int problems, boolean lastGoodInForce) {
    invalidSummaries.add(summary);
  }
}
