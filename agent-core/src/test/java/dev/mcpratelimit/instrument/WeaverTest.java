package dev.mcpratelimit.instrument;

import static net.bytebuddy.matcher.ElementMatchers.any;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.none;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcpratelimit.runtime.LoggedLines;
import example.host.Greeter;
import example.host.LoadedGreeter;
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
  void aNamedClassGetsEveryRuleThatAppliesInItsLoaderInTheOrderAdded() throws Exception {
    Weaver weaver = new Weaver()
        .on(List.of(GREETER), any(), advice(Exclaim.class))
        .on(List.of(GREETER), none(), advice(Exclaim.class))
        .on(List.of(GREETER), any(), advice(Ask.class));
    byte[] woven = weaver.transform(loader, GREETER.replace('.', '/'), null, null, classFile(GREETER));
    // Applied in order, as AgentBuilder applied its transformations: the first rule's advice is the
    // outermost, so its exit runs last.
    assertEquals("hi?!", greet(woven), "both rules for its loader, in order, not the one for no loader");
  }

  @Test
  void otherClassesAndLoadersNoRuleAppliesInAreLeftAlone() throws Exception {
    Weaver weaver = new Weaver().on(List.of(GREETER), any(), advice(Exclaim.class));
    String internal = GREETER.replace('.', '/');
    assertNull(weaver.transform(loader, LoadedGreeter.class.getName().replace('.', '/'), null, null,
        classFile(LoadedGreeter.class.getName())));
    assertNull(weaver.transform(loader, null, null, null, classFile(GREETER)), "a class without a name");
    assertNull(new Weaver().on(List.of(GREETER), none(), advice(Exclaim.class))
        .transform(loader, internal, null, null, classFile(GREETER)), "no rule applies in this loader");
    assertEquals(List.of(), logged.messages());
  }

  /** Advice woven there could not reach the agent's classes (or would call itself): said once, never woven. */
  @Test
  void theJdksClassesAndTheAgentsOwnAreNeverWoven() throws Exception {
    String driverManager = "java.sql.DriverManager";
    String agentClass = WeaverTest.class.getName();
    Weaver weaver = new Weaver().on(List.of(GREETER, driverManager, agentClass), any(), advice(Exclaim.class));
    for (int i = 0; i < 2; i++) {
      assertNull(weaver.transform(null, GREETER.replace('.', '/'), null, null, classFile(GREETER)), "bootstrap loader");
      assertNull(weaver.transform(ClassLoader.getPlatformClassLoader(), driverManager.replace('.', '/'), null, null,
          classFile(GREETER)), "platform loader");
      assertNull(weaver.transform(loader, agentClass.replace('.', '/'), null, null, classFile(agentClass)), "the agent's");
    }
    assertEquals(List.of(
        GREETER + " is a class of the JDK: it is not instrumented",
        driverManager + " is a class of the JDK: it is not instrumented",
        agentClass + " is the agent's own: it is not instrumented"), logged.messages());
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
    Object greeter = DefinedApart.define(loader, GREETER, classFile).getConstructor().newInstance();
    return (String) greeter.getClass().getMethod("greet").invoke(greeter);
  }
}
