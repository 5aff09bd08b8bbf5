package dev.mcpratelimit.matrix.spring;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import org.springframework.ai.tool.ToolCallbackProvider;
import org.springframework.ai.tool.method.MethodToolCallbackProvider;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

/**
 * A Spring AI MCP server as its users write one: {@code @Tool} methods on a bean
 * ({@link MatrixTools}) exposed through a {@link MethodToolCallbackProvider}; the starter on the class
 * path (WebMVC, WebFlux or stdio) and Spring properties choose the transport, e.g.
 * {@code --server.port=0 --spring.ai.mcp.server.protocol=STREAMABLE|SSE|STATELESS} (1.1 and 2.0; 1.0
 * has SSE only) or {@code --spring.ai.mcp.server.stdio=true}. The same source serves Spring AI 1.0.x,
 * 1.1.x and 2.0.x (Boot 3.5 and 4.0).
 *
 * <p>Once a web server listens it prints {@code spring-ai-VERSION-STACK/PROTOCOL listening on
 * http://127.0.0.1:PORT/mcp} on stderr (as the other matrix servers do); the endpoints are Spring
 * AI's defaults: {@code /mcp} (Streamable HTTP, stateless), {@code /sse} and {@code /mcp/message} (SSE).
 * Logs go to stderr (logback.xml): over stdio, stdout is the protocol.
 */
@SpringBootApplication
public class MatrixSpringServer {

  public static void main(String[] args) {
    SpringApplication.run(MatrixSpringServer.class, args);
  }

  @Bean
  ToolCallbackProvider matrixToolCallbacks(MatrixTools tools) {
    return MethodToolCallbackProvider.builder().toolObjects(tools).build();
  }

  /** The listening line, once the web server (if any: not over stdio) has its port. */
  @Bean
  ApplicationListener<ApplicationReadyEvent> listeningLine(Environment environment) {
    return event -> {
      String port = environment.getProperty("local.server.port");
      if (port != null) {
        String protocol = environment.getProperty("spring.ai.mcp.server.protocol", "SSE");
        System.err.println("spring-ai-" + springAiVersion() + "-" + stack() + "/" + protocol
            + " listening on http://127.0.0.1:" + port + "/mcp");
      }
    };
  }

  private static String stack() {
    ClassLoader loader = MatrixSpringServer.class.getClassLoader();
    if (ClassUtils.isPresent("org.springframework.web.servlet.DispatcherServlet", loader)) {
      return "webmvc";
    }
    return ClassUtils.isPresent("org.springframework.web.reactive.DispatcherHandler", loader) ? "webflux" : "stdio";
  }

  /** Spring AI's version, from the Maven metadata of its spring-ai-mcp jar. */
  static String springAiVersion() {
    String resource = "/META-INF/maven/org.springframework.ai/spring-ai-mcp/pom.properties";
    try (InputStream in = MatrixSpringServer.class.getResourceAsStream(resource)) {
      if (in == null) {
        return "unknown";
      }
      Properties properties = new Properties();
      properties.load(in);
      return properties.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
