package dev.mcpratelimit.instrument;

import dev.mcpratelimit.runtime.AgentLog;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The classes the agent never weaves, whatever names them: the JDK's own (the bootstrap and
 * platform loaders', whose code could not reach the agent's, see {@link DeferredTransformer#jdksOwn})
 * and the agent's. Asking loads no Byte Buddy.
 */
final class NeverWoven {

  private static final String AGENT = "dev/mcpratelimit/";

  /** Targets refused, each said once. */
  private final Set<String> said = ConcurrentHashMap.newKeySet();

  /** Whether a class a target names is never woven: said the first time. */
  boolean refuses(ClassLoader loader, String className) {
    boolean agents = className.startsWith(AGENT);
    if (!agents && !DeferredTransformer.jdksOwn(loader)) {
      return false;
    }
    if (said.add(className)) {
      AgentLog.warning(className.replace('/', '.') + " is " + (agents ? "the agent's own" : "a class of the JDK")
          + ": it is not instrumented");
    }
    return true;
  }
}
