package dev.mcpratelimit.instrumentation.mcp.v0_11;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcpratelimit.instrument.ModuleConformance;
import dev.mcpratelimit.instrument.SdkTypes;
import java.util.List;
import org.junit.jupiter.api.Test;

class McpSdkModuleTest {

  @Test
  void fitsSdk0113WithEveryShapeOnce() throws Exception {
    List<String> checked = ModuleConformance.assertFitsItsOwnVersion(new McpSdkModule());
    assertTrue(checked.containsAll(List.of(SdkTypes.ASYNC_SERVER, SdkTypes.STATELESS_SERVER, SdkTypes.TOOL_SPECIFICATION,
        SdkTypes.STATELESS_TOOL_SPECIFICATION, SdkTypes.SERVER_SESSION, SdkTypes.STREAMABLE_SESSION)), checked.toString());
  }
}
