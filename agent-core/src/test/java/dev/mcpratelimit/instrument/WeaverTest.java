package dev.mcpratelimit.instrument;

import static net.bytebuddy.matcher.ElementMatchers.any;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.none;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcpratelimit.runtime.LoggedLines;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.util.List;
import net.bytebuddy.agent.ByteBuddyAgent;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class WeaverTest {

  /** Stands for a host's class. */
  public static class Greeter {
    public String greet() {
      return "hi";
    }
  }

  /** Loaded in this JVM before it is instrumented, to be retransformed. */
  public static class LoadedGreeter {
    public String greet() {
      return "hi";
    }
  }

  public static class Exclaim {
    @Advice.OnMethodExit
    static void exit(@Advice.Return(readOnly = false) String greeting) {
      greeting = greeting + "!";
    }
  }

  public static class Ask {
    @Advice.OnMethodExit
    static void exit(@Advice.Return(readOnly = false) String greeting) {
      greeting = greeting + "?";
    }
  }

  private static final String GREETER = Greeter.class.getName();
  private final ClassLoader loader = WeaverTest.class.getClassLoader();
  @RegisterExtension
  final LoggedLines logged = LoggedLines.eachTest();


  private AgentBuilder.Transformer advice(Class<?> adviceClass) {
    return new AgentBuilder.Transformer.ForAdvice().include(loader).advice(named("greet"), adviceClass.getName());
  }

  @Test
  void aNamedClassGetsEveryRuleThatAppliesInItsLoader() throws Exception {
    Weaver weaver = new Weaver()
        .on(List.of(GREETER), any(), advice(Exclaim.class))
        .on(List.of(GREETER), none(), advice(Ask.class))
        .on(List.of(GREETER), any(), advice(Exclaim.class));
    byte[] woven = weaver.transform(loader, GREETER.replace('.', '/'), null, null, classFile(GREETER));
    assertEquals("hi!!", greet(woven), "both rules for its loader, not the one for no loader");
  }

  @Test
  void otherClassesAndTheJdksOwnAreLeftAlone() throws Exception {
    Weaver weaver = new Weaver().on(List.of(GREETER), any(), advice(Exclaim.class));
    String internal = GREETER.replace('.', '/');
    assertNull(weaver.transform(loader, LoadedGreeter.class.getName().replace('.', '/'), null, null,
        classFile(LoadedGreeter.class.getName())));
    assertNull(weaver.transform(null, internal, null, null, classFile(GREETER)), "the bootstrap loader's");
    assertNull(weaver.transform(loader, null, null, null, classFile(GREETER)), "a class without a name");
    assertNull(new Weaver().on(List.of(GREETER), none(), advice(Exclaim.class))
        .transform(loader, internal, null, null, classFile(GREETER)), "no rule applies in this loader");
  }

  @Test
  void aWeaveThatFailsLeavesTheClassAsItWasAndSaysSo() throws Exception {
    Weaver weaver = new Weaver().on(List.of(GREETER), any(), (builder, type, classLoader, module, domain) -> {
      throw new IllegalStateException("broken transformer");
    });
    try (WeaveInputs.Recording recording = WeaveInputs.record()) {
      assertNull(weaver.transform(loader, GREETER.replace('.', '/'), null, null, classFile(GREETER)));
      assertTrue(recording.failed(), "a failed weave is never kept");
    }
    assertEquals(List.of("could not instrument " + GREETER + ", left as it was: java.lang.IllegalStateException: "
        + "broken transformer"), logged.messages());
  }

  @Test
  void installedItRetransformsTheClassesAlreadyLoaded() {
    assertEquals("hi", new LoadedGreeter().greet());
    Instrumentation instrumentation = ByteBuddyAgent.install();
    Weaver weaver = new Weaver().on(List.of(LoadedGreeter.class.getName()), any(), advice(Exclaim.class));
    try {
      weaver.installOn(instrumentation);
      assertEquals("hi!", new LoadedGreeter().greet());
    } finally {
      instrumentation.removeTransformer(weaver);
    }
    assertEquals(List.of(), logged.messages());
  }

  private byte[] classFile(String binaryName) throws IOException {
    try (InputStream in = loader.getResourceAsStream(binaryName.replace('.', '/') + ".class")) {
      assertNotNull(in, binaryName);
      return in.readAllBytes();
    }
  }

  /** Calls {@code greet} on a {@link Greeter} defined from {@code classFile}, apart from the test's own. */
  private String greet(byte[] classFile) throws Exception {
    ClassLoader apart = new ClassLoader(loader) {
      @Override
      protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (name.equals(GREETER)) {
          synchronized (getClassLoadingLock(name)) {
            Class<?> defined = findLoadedClass(name);
            return defined != null ? defined : defineClass(name, classFile, 0, classFile.length);
          }
        }
        return super.loadClass(name, resolve);
      }
    };
    Object greeter = apart.loadClass(GREETER).getConstructor().newInstance();
    return (String) greeter.getClass().getMethod("greet").invoke(greeter);
  }
}
