package dev.mcpratelimit.matrix;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;

/** SDK 1.x and 2.x: the default mapper (Jackson 3, mcp-json-jackson3, found by ServiceLoader). */
final class Mapper {

  private Mapper() {}

  static McpJsonMapper defaultMapper() {
    return McpJsonDefaults.getMapper();
  }
}
