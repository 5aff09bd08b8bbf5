package dev.mcpratelimit.matrix;

import jakarta.servlet.http.HttpServlet;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** Serves one SDK servlet transport on embedded Jetty 12 (ee10, Servlet 6.0) on 127.0.0.1. */
final class Jetty {

  private Jetty() {}

  /**
   * Starts Jetty with {@code servlet} at {@code pathSpec}, prints
   * {@code <name> listening on http://127.0.0.1:PORT/mcp} on stderr and blocks until the JVM ends;
   * {@code onStop} (closing the MCP server) runs first at shutdown.
   */
  static void serve(String name, HttpServlet servlet, String pathSpec, int port, Runnable onStop) throws Exception {
    Server jetty = new Server();
    ServerConnector connector = new ServerConnector(jetty);
    connector.setHost("127.0.0.1");
    connector.setPort(port);
    jetty.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    ServletHolder holder = new ServletHolder("mcp", servlet);
    // The transports answer on SSE streams completed from other threads.
    holder.setAsyncSupported(true);
    context.addServlet(holder, pathSpec);
    jetty.setHandler(context);
    jetty.start();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      onStop.run();
      try {
        jetty.stop();
      } catch (Exception e) {
        // the JVM is ending anyway
      }
    }));
    System.err.println(name + " listening on http://127.0.0.1:" + connector.getLocalPort() + Tools.MCP_ENDPOINT);
    jetty.join();
  }
}
