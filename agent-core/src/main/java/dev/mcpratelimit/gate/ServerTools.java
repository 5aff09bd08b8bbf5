package dev.mcpratelimit.gate;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Whether a server has a tool of some name, read from its list of tool specifications (the SDK's
 * {@code tools} field) without linking against the SDK: each specification's {@code tool()} and
 * that tool's {@code name()} are found once per class.
 */
final class ServerTools {

  private static final ClassValue<MethodHandle> TOOL = accessor("tool");
  private static final ClassValue<MethodHandle> NAME = accessor("name");

  private ServerTools() {}

  /**
   * The tool names of the specifications last asked about, with those specifications. Servers
   * rarely change their tools, and the SDK's specifications are immutable records: while the list
   * holds the same objects in the same order, the names are still right, and comparing identities
   * is much cheaper than two method-handle calls per tool on every call. Held weakly: a server
   * that is gone (and its class loader) is not kept alive by this.
   */
  private record Names(List<WeakReference<Object>> specifications, Set<String> names) {
    boolean readFrom(Iterable<?> current) {
      int i = 0;
      for (Object specification : current) {
        if (i == specifications.size() || specifications.get(i++).get() != specification) {
          return false;
        }
      }
      return i == specifications.size();
    }
  }

  /** One entry: a second server in the JVM only makes the names be read again, as before. */
  private static volatile Names last;

  /** @param specifications the server's tool specifications, each with {@code tool().name()} */
  static boolean contains(Iterable<?> specifications, String toolName) throws Throwable {
    Names names = last;
    if (names == null || !names.readFrom(specifications)) {
      names = read(specifications);
      last = names;
    }
    return names.names().contains(toolName);
  }

  private static Names read(Iterable<?> specifications) throws Throwable {
    List<WeakReference<Object>> read = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (Object specification : specifications) {
      Object tool = TOOL.get(specification.getClass()).invokeExact(specification);
      Object name = NAME.get(tool.getClass()).invokeExact(tool);
      if (name instanceof String text) {
        names.add(text);
      }
      read.add(new WeakReference<>(specification));
    }
    return new Names(read, names);
  }

  private static ClassValue<MethodHandle> accessor(String method) {
    return new ClassValue<>() {
      @Override
      protected MethodHandle computeValue(Class<?> type) {
        try {
          return MethodHandles.publicLookup().unreflect(type.getMethod(method))
              .asType(MethodType.methodType(Object.class, Object.class));
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException(type.getName() + " has no public " + method + "()", e);
        }
      }
    };
  }
}
