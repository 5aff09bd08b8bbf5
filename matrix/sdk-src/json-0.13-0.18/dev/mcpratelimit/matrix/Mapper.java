package dev.mcpratelimit.matrix;

import io.modelcontextprotocol.json.McpJsonMapper;

/** SDK 0.13 to 0.18: the default mapper (Jackson 2, mcp-json-jackson2, found by ServiceLoader). */
final class Mapper {

  private Mapper() {}

  static McpJsonMapper defaultMapper() {
    return McpJsonMapper.getDefault();
  }
}
