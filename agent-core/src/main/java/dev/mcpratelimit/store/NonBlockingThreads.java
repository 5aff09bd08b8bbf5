package dev.mcpratelimit.store;

/**
 * Whether a thread must never block: a thread Reactor marks non-blocking (its class or one of its
 * interfaces, at any depth, is {@code reactor.core.scheduler.NonBlocking}; that is what Reactor's
 * own {@code Schedulers.isInNonBlockingThread()} asks), or a Netty thread
 * ({@code io.netty.util.concurrent.FastThreadLocalThread} or a subclass: event loops run on them).
 * Checked by class name, so neither Reactor nor Netty has to be on the agent's class path; the
 * answer is kept per thread class.
 */
final class NonBlockingThreads {

  static final String REACTOR_MARKER = "reactor.core.scheduler.NonBlocking";
  static final String NETTY_THREAD = "io.netty.util.concurrent.FastThreadLocalThread";

  private static final ClassValue<Boolean> NON_BLOCKING = new ClassValue<>() {
    @Override
    protected Boolean computeValue(Class<?> type) {
      return nonBlocking(type);
    }
  };

  private NonBlockingThreads() {}

  static boolean isNonBlocking(Thread thread) {
    return NON_BLOCKING.get(thread.getClass());
  }

  private static boolean nonBlocking(Class<?> type) {
    for (Class<?> c = type; c != null && c != Thread.class; c = c.getSuperclass()) {
      if (c.getName().equals(NETTY_THREAD) || marked(c)) {
        return true;
      }
    }
    return false;
  }

  private static boolean marked(Class<?> type) {
    for (Class<?> i : type.getInterfaces()) {
      if (i.getName().equals(REACTOR_MARKER) || marked(i)) {
        return true;
      }
    }
    return false;
  }
}
