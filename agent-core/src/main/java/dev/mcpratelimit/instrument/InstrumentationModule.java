package dev.mcpratelimit.instrument;

import java.util.List;

/**
 * The instrumentation of one library version range (an MCP SDK range, a transport family),
 * compiled against the oldest version of its range and found with {@link java.util.ServiceLoader}.
 * It applies in a class loader only where its landmark classes say the range is the right one and
 * every SDK symbol its advice uses exists there (see {@link ModuleFit}); else the loader's classes
 * stay exactly as they are.
 */
public interface InstrumentationModule {

  /** A short name for logs, e.g. {@code mcp-0.14}. */
  String name();

  /** Classes that are all present in every version of the range. */
  List<String> landmarks();

  /** Classes whose presence means another range (earlier or later); none by default. */
  default List<String> excludingLandmarks() {
    return List.of();
  }

  /** Where the module instruments; every advice class named there is checked before it applies. */
  List<InstrumentationPoint> points();
}
