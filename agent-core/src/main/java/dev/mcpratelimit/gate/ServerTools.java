package dev.mcpratelimit.gate;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Whether a server has a tool of some name, read from its list of tool specifications (the SDK's
 * {@code tools} field) without linking against the SDK: each specification's {@code tool()} and
 * that tool's {@code name()} are found once per class.
 */
final class ServerTools {

  private static final ClassValue<MethodHandle> TOOL = accessor("tool");
  private static final ClassValue<MethodHandle> NAME = accessor("name");

  private ServerTools() {}

  /** @param specifications the server's tool specifications, each with {@code tool().name()} */
  static boolean contains(Iterable<?> specifications, String toolName) throws Throwable {
    for (Object specification : specifications) {
      Object tool = TOOL.get(specification.getClass()).invokeExact(specification);
      if (toolName.equals(NAME.get(tool.getClass()).invokeExact(tool))) {
        return true;
      }
    }
    return false;
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
