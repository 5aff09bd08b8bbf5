package dev.mcpratelimit.matrix;

import java.util.List;

/**
 * The command line every matrix server takes: {@code --transport stdio|streamable|sse|stateless}
 * (default stdio) and {@code --port N} (HTTP only; 0, the default, picks a free port).
 */
record ServerArgs(String transport, int port) {

  static ServerArgs parse(String[] args, List<String> transports) {
    String transport = "stdio";
    int port = 0;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--transport" -> transport = value(args, ++i);
        case "--port" -> port = Integer.parseInt(value(args, ++i));
        case "--help", "-h" -> usage(transports, 0);
        default -> {
          System.err.println("unknown argument: " + args[i]);
          usage(transports, 2);
        }
      }
    }
    if (!transports.contains(transport)) {
      System.err.println("this SDK's transports are " + transports + ", not " + transport);
      usage(transports, 2);
    }
    return new ServerArgs(transport, port);
  }

  private static String value(String[] args, int index) {
    if (index >= args.length) {
      System.err.println(args[index - 1] + " needs a value");
      usage(List.of(), 2);
    }
    return args[index];
  }

  private static void usage(List<String> transports, int status) {
    (status == 0 ? System.out : System.err).println("usage: java -jar mcp-sdk-" + Tools.sdkVersion()
        + ".jar [--transport " + String.join("|", transports) + "] [--port N]\n"
        + "A sync MCP server with the tools echo and search. HTTP transports print\n"
        + "\"<name> listening on http://127.0.0.1:PORT/mcp\" on stderr once they listen: Streamable HTTP and\n"
        + "stateless at " + Tools.MCP_ENDPOINT + ", SSE at GET " + Tools.SSE_ENDPOINT + " and POST "
        + Tools.MESSAGE_ENDPOINT + "?sessionId=...");
    System.exit(status);
  }
}
