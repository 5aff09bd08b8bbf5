package dev.mcpratelimit.it;

import java.util.List;

/**
 * Two sample servers with the agent share a real three-master Redis Cluster: the same exactness
 * as with one Redis. A caller's buckets and a tool's global bucket lie in different slots there,
 * so the global-bucket test is the decision that takes two calls (three when the global bucket
 * refuses and the caller's tokens are given back).
 */
class RedisClusterSharedIT extends SharedRedisLimits {

  private RedisClusterProcess cluster;

  @Override
  List<String> startRedis() throws Exception {
    cluster = new RedisClusterProcess();
    return List.of("store=redis", "store.redis.url=redis://127.0.0.1:" + cluster.seedPort(), "store.redis.cluster=true");
  }

  @Override
  AutoCloseable redis() {
    return cluster;
  }

  @Override
  String storeInStartLine() {
    return "redis 127.0.0.1:" + cluster.seedPort() + " (cluster seed)";
  }
}
