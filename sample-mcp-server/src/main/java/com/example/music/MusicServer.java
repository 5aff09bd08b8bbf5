package com.example.music;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;

/**
 * Runs the music catalog MCP server.
 *
 * <pre>
 * MusicServer [--host H] [--port N]   Streamable HTTP at http://H:N/mcp (defaults 127.0.0.1:8080; port 0 = any free)
 * MusicServer --stdio                 stdio transport: stdout carries only protocol messages
 * MusicServer --help                  says how to start it
 * </pre>
 */
public final class MusicServer {

    static final String USAGE = """
            usage: java -jar sample-mcp-server.jar [--host HOST] [--port PORT]
                   java -jar sample-mcp-server.jar --stdio

            A music-catalog MCP server on the official MCP Java SDK, with the tools search_tracks,
            get_track, get_album, create_playlist and recommend_tracks.

              (no --stdio)   Streamable HTTP at http://HOST:PORT/mcp; once it listens it prints
                             "MusicServer listening on <url>" on stderr
              --host HOST    address to listen on (default 127.0.0.1)
              --port PORT    port to listen on, 0..65535 (default 8080; 0 picks a free port)
              --stdio        the stdio transport instead: protocol on stdout, logs on stderr
              --help, -h     prints this help
            """;

    private MusicServer() {
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.print(USAGE);
            return;
        }
        if (options.stdio()) {
            // The transport reads stdin on its own non-daemon thread, which keeps the JVM alive.
            MusicCatalogServer.build(McpServer.sync(new StdioServerTransportProvider(McpJsonDefaults.getMapper())));
            return;
        }
        HttpMusicServer server = HttpMusicServer.start(options.host(), options.port());
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        // Tests and scripts parse this line to learn the bound port.
        System.err.println("MusicServer listening on " + server.endpoint());
        server.join();
    }

    record Options(String host, int port, boolean stdio, boolean help) {

        static Options parse(String[] args) {
            String host = "127.0.0.1";
            int port = 8080;
            boolean stdio = false;
            boolean help = false;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--help", "-h" -> help = true;
                    case "--stdio" -> stdio = true;
                    case "--host" -> host = value(args, ++i, "--host");
                    case "--port" -> port = port(value(args, ++i, "--port"));
                    default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
                }
            }
            return new Options(host, port, stdio, help);
        }

        private static String value(String[] args, int index, String flag) {
            if (index >= args.length) {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            return args[index];
        }

        private static int port(String text) {
            try {
                int port = Integer.parseInt(text);
                if (port >= 0 && port <= 65535) {
                    return port;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException("--port must be 0..65535, got " + text);
        }
    }
}
