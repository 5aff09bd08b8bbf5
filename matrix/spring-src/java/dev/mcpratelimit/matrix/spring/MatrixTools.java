package dev.mcpratelimit.matrix.spring;

import java.util.List;
import org.springframework.ai.tool.annotation.Tool;
import org.springframework.ai.tool.annotation.ToolParam;
import org.springframework.stereotype.Component;

/** The matrix servers' two tools, the Spring AI way. */
@Component
public class MatrixTools {

  private static final List<String> CATALOG = List.of("blue train", "kind of blue", "blue in green", "so what");

  @Tool(name = "echo", description = "Returns its text argument (cheap).")
  public String echo(@ToolParam(description = "the text to return") String text) {
    return text;
  }

  @Tool(name = "search", description = "Searches a small in-memory catalog (expensive upstream, in principle).")
  public String search(@ToolParam(description = "what to look for") String query) {
    return String.join("\n", CATALOG.stream().filter(title -> title.contains(query)).toList());
  }
}
