package dev.mcpratelimit.it.servers;

import com.example.music.Catalog;
import com.example.music.CatalogClient;
import com.example.music.Track;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import jakarta.servlet.http.HttpServlet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * What the test servers share: two tools over the sample server's catalog, and Jetty serving an
 * SDK servlet transport at {@code /mcp} on 127.0.0.1. The tools are the servers' own, built here
 * with the SDK's APIs; only the catalog (and the {@code CatalogClient} a configured method target
 * names) comes from the sample server.
 */
final class TestServers {

  static final String PATH = "/mcp";

  static final CatalogClient CATALOG = new CatalogClient(Catalog.builtIn());

  static final Tool GET_TRACK = Tool.builder("get_track", Map.of(
          "type", "object",
          "properties", Map.of("id", Map.of("type", "string")),
          "required", List.of("id")))
      .description("One track by id")
      .build();

  static final Tool RECOMMEND_TRACKS = Tool.builder("recommend_tracks", Map.of(
          "type", "object",
          "properties", Map.of("seed_track_id", Map.of("type", "string"), "count", Map.of("type", "integer")),
          "required", List.of("seed_track_id")))
      .description("Tracks similar to a seed track, from the upstream CatalogClient#recommend")
      .build();

  private TestServers() {}

  static CallToolResult getTrack(CallToolRequest request) {
    String id = String.valueOf(request.arguments().get("id"));
    return CATALOG.track(id).map(track -> result(track))
        .orElseGet(() -> CallToolResult.builder().isError(true).addTextContent("unknown track id: " + id).build());
  }

  static CallToolResult recommendTracks(CallToolRequest request) {
    String seed = String.valueOf(request.arguments().get("seed_track_id"));
    Object count = request.arguments().get("count");
    List<Track> tracks = CATALOG.recommend(seed, count instanceof Number n ? n.intValue() : 3);
    return result(Map.of("seed_track_id", seed, "tracks", tracks));
  }

  private static CallToolResult result(Object value) {
    try {
      return CallToolResult.builder()
          .addTextContent(McpJsonDefaults.getMapper().writeValueAsString(value))
          .isError(false)
          .build();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code --port N} (0 = any free port). */
  static int port(String[] args) {
    return args.length == 2 && args[0].equals("--port") ? Integer.parseInt(args[1]) : 0;
  }

  /**
   * Serves {@code transport} at {@code /mcp} on 127.0.0.1, prints
   * {@code <name> listening on http://127.0.0.1:PORT/mcp} to stderr and blocks until stopped.
   */
  static void serve(String name, HttpServlet transport, int port, AutoCloseable mcp) throws Exception {
    Server jetty = new Server();
    ServerConnector connector = new ServerConnector(jetty);
    connector.setHost("127.0.0.1");
    connector.setPort(port);
    jetty.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    ServletHolder holder = new ServletHolder("mcp", transport);
    holder.setAsyncSupported(true);
    context.addServlet(holder, PATH);
    jetty.setHandler(context);
    jetty.start();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        mcp.close();
        jetty.stop();
      } catch (Exception e) {
        // exiting anyway
      }
    }));
    System.err.println(name + " listening on http://127.0.0.1:" + connector.getLocalPort() + PATH);
    jetty.join();
  }
}
