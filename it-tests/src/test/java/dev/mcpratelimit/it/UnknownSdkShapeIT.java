package dev.mcpratelimit.it;

import static dev.mcpratelimit.it.Calls.TRACK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server whose SDK has a shape the agent does not know: the sample server with the SDK's
 * {@code tools/call} dispatch renamed, as a future SDK might. The agent says so in one warning and
 * leaves the server exactly as it is: every call answered, nothing limited, no status tool.
 */
class UnknownSdkShapeIT {

  private static final String SERVER_CLASS = "io/modelcontextprotocol/server/McpAsyncServer.class";
  // SDK 2.1.0's dispatch, and a name of the same length (so the class file needs no other change).
  private static final String DISPATCH = "lambda$toolsCallRequestHandler$23";
  private static final String RENAMED = "lambda$toolsCallDispatcherV3xx$23";

  @Test
  void aRenamedDispatchGetsOneWarningAndTheServerWorksAsWithoutTheAgent(@TempDir Path dir) throws Exception {
    Path jar = withRenamedDispatch(ForkedServer.jar("server.jar"), dir.resolve("renamed-dispatch-server.jar"));
    Path config = ConfigFile.write(dir, "ratelimit.properties", "tier.free.rate=10/min", "tier.free.burst=2");
    try (ForkedServer server = ForkedServer.executableJar(jar, "--port", "0").agent(config).start()) {
      server.assertStartLine("enforce");
      RawMcpClient client = RawMcpClient.connect(server);
      for (int i = 0; i < 10; i++) {
        client.callTool("get_track", TRACK).assertToolResult("call " + i + " of a burst of 2");
      }
      assertFalse(client.listTools().body().contains("rate_limit_status"), "no status tool on a server left alone");

      List<String> warnings = server.stderr().stream().filter(line -> line.startsWith("[mcp-ratelimit] WARNING")).toList();
      assertEquals(1, warnings.size(), () -> String.join("\n", server.stderr()));
      String warning = warnings.get(0);
      assertTrue(warning.contains("io.modelcontextprotocol.server.McpAsyncServer of MCP SDK 2.1.0 has 0 methods shaped like"
          + " Mono lambda$toolsCallRequestHandler$N(McpAsyncServerExchange, Object)"), warning);
      assertTrue(warning.contains("left uninstrumented; MCP tool calls of this server type are NOT limited"), warning);
      assertTrue(server.stderr().stream().noneMatch(line -> line.contains("Exception")), () -> String.join("\n", server.stderr()));
    }
  }

  /** A copy of {@code jar} whose {@code McpAsyncServer} has its dispatch method renamed. */
  private static Path withRenamedDispatch(Path jar, Path copy) throws IOException {
    byte[] from = DISPATCH.getBytes(StandardCharsets.UTF_8);
    byte[] to = RENAMED.getBytes(StandardCharsets.UTF_8);
    boolean renamed = false;
    try (ZipInputStream in = new ZipInputStream(Files.newInputStream(jar));
         ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(copy))) {
      for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
        byte[] bytes = in.readAllBytes();
        if (entry.getName().equals(SERVER_CLASS)) {
          int at = indexOf(bytes, from);
          assertTrue(at >= 0 && indexOf(bytes, from, at + 1) < 0, "SDK 2.1.0 names its dispatch " + DISPATCH + " once");
          System.arraycopy(to, 0, bytes, at, to.length);
          renamed = true;
        }
        out.putNextEntry(new ZipEntry(entry.getName()));
        out.write(bytes);
        out.closeEntry();
      }
    }
    assertTrue(renamed, SERVER_CLASS + " is in the sample server's jar");
    return copy;
  }

  private static int indexOf(byte[] bytes, byte[] part) {
    return indexOf(bytes, part, 0);
  }

  private static int indexOf(byte[] bytes, byte[] part, int from) {
    outer:
    for (int i = from; i <= bytes.length - part.length; i++) {
      for (int j = 0; j < part.length; j++) {
        if (bytes[i + j] != part[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
