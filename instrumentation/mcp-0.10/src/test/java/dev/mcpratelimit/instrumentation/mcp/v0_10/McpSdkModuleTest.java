package dev.mcpratelimit.instrumentation.mcp.v0_10;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcpratelimit.instrument.ModuleConformance;
import dev.mcpratelimit.instrument.SdkTypes;
import java.util.List;
import org.junit.jupiter.api.Test;

class McpSdkModuleTest {

  @Test
  void fitsSdk0100WithEveryShapeOnce() throws Exception {
    List<String> checked = ModuleConformance.assertFitsItsOwnVersion(new McpSdkModule());
    assertTrue(checked.containsAll(List.of(SdkTypes.ASYNC_SERVER, SdkTypes.TOOL_SPECIFICATION, SdkTypes.SERVER_SESSION)), checked.toString());
  }
}
