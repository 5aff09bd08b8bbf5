package com.example.music;

import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import java.net.URI;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** The catalog server on Streamable HTTP: the SDK's servlet transport at {@value #PATH} on embedded Jetty. */
public final class HttpMusicServer implements AutoCloseable {

    static final String PATH = "/mcp";

    private final Server jetty;
    private final ServerConnector connector;
    private final McpSyncServer mcp;

    private HttpMusicServer(Server jetty, ServerConnector connector, McpSyncServer mcp) {
        this.jetty = jetty;
        this.connector = connector;
        this.mcp = mcp;
    }

    /** Starts listening on {@code host:port}; port 0 picks a free port, see {@link #endpoint()}. */
    public static HttpMusicServer start(String host, int port) throws Exception {
        HttpServletStreamableServerTransportProvider transport = HttpServletStreamableServerTransportProvider.builder()
                .mcpEndpoint(PATH)
                .build();
        McpSyncServer mcp = MusicCatalogServer.build(McpServer.sync(transport));

        Server jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost(host);
        connector.setPort(port);
        jetty.addConnector(connector);

        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        ServletHolder holder = new ServletHolder("mcp", transport);
        // The transport answers over SSE streams and completes them from other threads.
        holder.setAsyncSupported(true);
        context.addServlet(holder, PATH);
        jetty.setHandler(context);

        try {
            jetty.start();
        } catch (Exception e) {
            mcp.close();
            jetty.stop();
            throw e;
        }
        return new HttpMusicServer(jetty, connector, mcp);
    }

    /** The URL clients connect to, with the port actually bound. */
    public URI endpoint() {
        String host = connector.getHost();
        String authority = host.contains(":") ? "[" + host + "]" : host;
        return URI.create("http://" + authority + ":" + connector.getLocalPort() + PATH);
    }

    public void join() throws InterruptedException {
        jetty.join();
    }

    /** Closes the MCP sessions while their HTTP streams still exist, then stops Jetty. */
    @Override
    public void close() {
        mcp.closeGracefully();
        try {
            jetty.stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            throw new IllegalStateException("Jetty did not stop cleanly", e);
        }
    }
}
