package dev.mcpratelimit.instrument;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import net.bytebuddy.agent.ByteBuddyAgent;
import org.junit.jupiter.api.Test;

class FirstApplicationLoaderTest {

  /** A loader of the host's own that defines what it is given. */
  private static final class Defining extends ClassLoader {
    Defining() {
      super(ClassLoader.getSystemClassLoader());
    }

    Class<?> define(String name, byte[] classFile) {
      return defineClass(name, classFile, 0, classFile.length);
    }
  }

  @Test
  void theFirstLoaderOfTheHostsOwnToDefineAClassIsHandedOver() throws Exception {
    Instrumentation instrumentation = ByteBuddyAgent.install();
    List<ClassLoader> handed = new CopyOnWriteArrayList<>();
    CompletableFuture<ClassLoader> first = new CompletableFuture<>();
    Defining passedOver = new Defining();
    FirstApplicationLoader.await(instrumentation, loader -> loader == passedOver, loader -> {
      handed.add(loader);
      first.complete(loader);
    });
    byte[] greeter;
    try (InputStream in = ClassLoader.getSystemResourceAsStream("example/host/Greeter.class")) {
      greeter = in.readAllBytes();
    }
    Class.forName("java.sql.Timestamp"); // the JDK's own loaders' classes are none of the host's
    passedOver.define("example.host.Greeter", greeter); // a loader it is told to pass over
    Class<?> defined = DefinedApart.define(ClassLoader.getSystemClassLoader(), "example.host.Greeter", greeter);
    assertSame(defined.getClassLoader(), first.get(5, TimeUnit.SECONDS),
        "not the system loader, not the JDK's, not one passed over");
    assertEquals(List.of(defined.getClassLoader()), handed);
  }
}
