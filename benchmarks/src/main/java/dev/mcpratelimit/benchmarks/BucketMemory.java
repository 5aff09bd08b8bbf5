package dev.mcpratelimit.benchmarks;

import dev.mcpratelimit.core.BucketKey;
import dev.mcpratelimit.core.BucketLimit;
import dev.mcpratelimit.core.BucketStore.Charge;
import dev.mcpratelimit.core.NanoClock;
import dev.mcpratelimit.core.Rate;
import dev.mcpratelimit.store.InMemoryBucketStore;
import java.util.function.Function;
import org.openjdk.jol.info.GraphLayout;

/**
 * Bytes the in-memory store holds per idle tracked bucket, measured with JOL over the whole object
 * graph: Caffeine's entry, the hash table slot, the key, the bucket and its state. The limit is
 * shared by all buckets of a tier and not counted per bucket.
 */
public final class BucketMemory {

  private static final BucketLimit FREE = new BucketLimit(10, Rate.perMinute(10));

  private BucketMemory() {}

  /** Caller tier buckets, each keyed by its own caller id string, which is counted (the worst case). */
  public static double perCallerBucket(int buckets) {
    return measure(buckets, new Object[0], i -> new Charge(BucketKey.caller("caller-" + i), FREE));
  }

  /**
   * Caller-tool buckets, one per caller: the key record is counted; the caller id string is not,
   * since the caller's tier bucket already holds it.
   */
  public static double perCallerToolBucket(int buckets) {
    String[] callers = new String[buckets];
    for (int i = 0; i < buckets; i++) {
      callers[i] = "caller-" + i;
    }
    return measure(buckets, callers, i -> new Charge(BucketKey.callerTool(callers[i], "search_tracks"), FREE));
  }

  /** Store bytes per bucket; {@code shared} is counted in the baseline and the full graph alike. */
  private static double measure(int buckets, Object shared, Function<Integer, Charge> charge) {
    InMemoryBucketStore empty = new InMemoryBucketStore(NanoClock.system(), 1_000_000);
    InMemoryBucketStore full = new InMemoryBucketStore(NanoClock.system(), 1_000_000);
    for (int i = 0; i < buckets; i++) {
      full.tryConsume(new Charge[] {charge.apply(i)}, 1);
    }
    full.cleanUp();
    long emptySize = GraphLayout.parseInstance(empty, FREE, shared).totalSize();
    long fullSize = GraphLayout.parseInstance(full, FREE, shared).totalSize();
    return (double) (fullSize - emptySize) / buckets;
  }

  public static void main(String[] args) {
    int buckets = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    System.out.printf("bytes per caller bucket, with its caller id string: %.1f%n", perCallerBucket(buckets));
    System.out.printf("bytes per caller-tool bucket, with its key: %.1f%n", perCallerToolBucket(buckets));
  }
}
