package dev.mcpratelimit.instrument;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.mcpratelimit.config.MethodTarget;
import dev.mcpratelimit.runtime.LoggedLines;
import example.host.LoadedShelf;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.net.URL;
import java.net.URLClassLoader;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.agent.ByteBuddyAgent;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class MethodWeavingTest {

  @RegisterExtension
  final LoggedLines logged = LoggedLines.eachTest();

  /** By name: loaded, the class would be retransformed by each test's targets as well. */
  private static final String SHELF = "example.host.Shelf";
  private static final String SOURCE = SHELF + "$Source";
  private final ClassLoader loader = MethodWeavingTest.class.getClassLoader();
  private final Instrumentation instrumentation = ByteBuddyAgent.install();
  private final MethodWeaving weaving = MethodWeaving.installOn(instrumentation);

  @AfterEach
  void unregister() {
    instrumentation.removeTransformer(weaving);
  }

  @Test
  void everyMethodOfTheNameWithABodyCallsTheGateFirstWithItsTarget() throws Exception {
    weaving.follow(List.of(new MethodTarget("halving", SHELF, "halve"), new MethodTarget("labels", SHELF, "label")));
    byte[] woven = transform(SHELF);
    assertEquals(List.of("halve(I)I: " + SHELF + "#halve", "halve(Ljava/lang/String;)Ljava/lang/String;: " + SHELF
        + "#halve", "label()Ljava/lang/String;: " + SHELF + "#label"), gateCalls(woven));
    // Defined and run apart from the test's own class: it verifies (the frame at the loop's head moved
    // with it), and with no agent running the gate lets every call through.
    Class<?> shelf = DefinedApart.define(loader, SHELF, woven);
    Object instance = shelf.getConstructor().newInstance();
    assertEquals(10, shelf.getMethod("halve", int.class).invoke(instance, 80));
    assertEquals("4/2", shelf.getMethod("halve", String.class).invoke(instance, "4"));
    assertEquals("shelf", shelf.getMethod("label").invoke(null));
    assertEquals(List.of(), logged.messages());
  }

  @Test
  void aBridgeIsNotWovenTheMethodItCallsIs() throws Exception {
    String shout = "example.host.Shout";
    weaving.follow(List.of(new MethodTarget("shouts", shout, "apply")));
    // A call through Function#apply(Object) runs the bridge, then the method: charged once.
    assertEquals(List.of("apply(Ljava/lang/String;)Ljava/lang/String;: " + shout + "#apply"), gateCalls(transform(shout)));
  }

  @Test
  void aMethodTheCallWouldTakePastTheLimitOfCodeIsLeftAsItWasAndTheOthersAreWoven() throws Exception {
    ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_MAXS);
    writer.visit(Opcodes.V17, Opcodes.ACC_PUBLIC, "example/host/Huge", null, "java/lang/Object", null);
    MethodVisitor huge = writer.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "run", "()V", null, null);
    huge.visitCode();
    for (int i = 0; i < 65_530; i++) {
      huge.visitInsn(Opcodes.NOP); // with the return, 4 bytes short of the 65,535 a method may have
    }
    huge.visitInsn(Opcodes.RETURN);
    huge.visitMaxs(0, 0);
    huge.visitEnd();
    MethodVisitor small = writer.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "run", "(I)V", null, null);
    small.visitCode();
    small.visitInsn(Opcodes.RETURN);
    small.visitMaxs(0, 1);
    small.visitEnd();
    writer.visitEnd();
    weaving.follow(List.of(new MethodTarget("runs", "example.host.Huge", "run")));
    byte[] woven = weaving.transform(loader, "example/host/Huge", null, null, writer.toByteArray());
    assertEquals(List.of("run(I)V: example.host.Huge#run"), gateCalls(woven));
    assertEquals(List.of("method.runs.target: example.host.Huge.run()V is too large to take the gate's call"
        + " (64 KB of code): that method is not limited"), logged.messages());
  }

  @Test
  void aMethodIsWovenOnceWhateverItsLimitIsCalled() throws Exception {
    weaving.follow(List.of(new MethodTarget("upstream_label", SHELF, "label")));
    weaving.follow(List.of(new MethodTarget("catalog_label", SHELF, "label"), new MethodTarget("catalog_label", SHELF,
        "label")));
    // A reload that renames the limit must not weave a second call: every call would be charged twice.
    assertEquals(List.of("label()Ljava/lang/String;: " + SHELF + "#label"), gateCalls(transform(SHELF)));
    assertNull(transform(example.host.Greeter.class.getName()), "no other class is woven");
  }

  @Test
  void aMethodWithoutABodyInItsClassIsSaidAndNothingIsWoven() throws Exception {
    weaving.follow(List.of(new MethodTarget("gone", SHELF, "recommend"), new MethodTarget("native", SHELF, "polish"),
        new MethodTarget("abstract", SOURCE, "tracks")));
    assertNull(transform(SHELF));
    assertNull(transform(SOURCE));
    String why = " with a body (it is abstract, native, inherited or missing): nothing is limited";
    List<String> said = new ArrayList<>(logged.messages());
    said.sort(null);
    assertEquals(List.of("method.abstract.target: " + SOURCE + " declares no method tracks" + why,
        "method.gone.target: " + SHELF + " declares no method recommend" + why,
        "method.native.target: " + SHELF + " declares no method polish" + why), said);
  }

  @Test
  void theJdksClassesAndTheAgentsOwnAreNeverWoven() throws Exception {
    // java.*, jdk.*, sun.* and the agent's: the file's check warned of them, nothing more is said
    weaving.follow(List.of(new MethodTarget("db", "java.sql.DriverManager", "getConnection"),
        new MethodTarget("own", Weaver.class.getName(), "weave"),
        new MethodTarget("rowsets", "javax.sql.rowset.RowSetProvider", "newFactory")));
    byte[] jdks = classFile("java.sql.DriverManager");
    assertNull(weaving.transform(null, "java/sql/DriverManager", null, null, jdks));
    assertNull(transform(Weaver.class.getName()));
    assertEquals(List.of(), logged.messages());
    // any other class of the JDK's own loaders: said once, when it loads
    byte[] rowsets = classFile("javax.sql.rowset.RowSetProvider");
    assertNull(weaving.transform(ClassLoader.getPlatformClassLoader(), "javax/sql/rowset/RowSetProvider", null, null, rowsets));
    assertNull(weaving.transform(ClassLoader.getPlatformClassLoader(), "javax/sql/rowset/RowSetProvider", null, null, rowsets));
    assertEquals(List.of("javax.sql.rowset.RowSetProvider is a class of the JDK: it is not instrumented"), logged.messages());
  }

  @Test
  void aClassWhoseLoaderCannotSeeTheAgentIsNotWovenAndSaidOnce() throws Exception {
    weaving.follow(List.of(new MethodTarget("labels", SHELF, "label")));
    try (URLClassLoader isolated = new URLClassLoader(new URL[0], ClassLoader.getPlatformClassLoader())) {
      assertNull(weaving.transform(isolated, SHELF.replace('.', '/'), null, null, classFile(SHELF)));
      assertNull(weaving.transform(isolated, SHELF.replace('.', '/'), null, null, classFile(SHELF)));
    }
    assertEquals(List.of(SHELF + " is loaded where the agent's classes cannot be seen (its class loader does not"
        + " delegate to the JVM's application class loader): it is not instrumented"), logged.messages());
  }

  @Test
  void aClassLoadedAlreadyIsRetransformedWhenATargetNamesIt() {
    assertEquals("shelf", new LoadedShelf().label());
    List<byte[]> retransformed = new ArrayList<>();
    ClassFileTransformer after = new ClassFileTransformer() { // sees what the weaving made of it
      @Override
      public byte[] transform(ClassLoader l, String name, Class<?> redefined, ProtectionDomain d, byte[] bytes) {
        if (redefined == LoadedShelf.class) {
          retransformed.add(bytes);
        }
        return null;
      }
    };
    instrumentation.addTransformer(after, true);
    try {
      weaving.follow(List.of(new MethodTarget("loaded", LoadedShelf.class.getName(), "label")));
    } finally {
      instrumentation.removeTransformer(after);
    }
    assertEquals(1, retransformed.size());
    assertEquals(List.of("label()Ljava/lang/String;: " + LoadedShelf.class.getName() + "#label"),
        gateCalls(retransformed.get(0)));
    assertEquals("shelf", new LoadedShelf().label(), "no agent running: the call goes through");
    assertEquals(List.of(), logged.messages());
  }

  /**
   * A class the modules wove at its load (a transformer that cannot retransform, as at JVM start),
   * then a reload names a method of it: the retransformation starts from the modules' weave, so the
   * class keeps it and gains the gate's call.
   */
  @Test
  void aClassTheModulesWoveAtItsLoadKeepsThatWeaveWhenAReloadNamesItsMethod() throws Exception {
    String twice = "example.host.Twice";
    ClassFileTransformer modules = new ClassFileTransformer() {
      @Override
      public byte[] transform(ClassLoader l, String name, Class<?> redefined, ProtectionDomain d, byte[] bytes) {
        if (!"example/host/Twice".equals(name) || redefined != null) {
          return null;
        }
        ClassWriter writer = new ClassWriter(0);
        new ClassReader(bytes).accept(new ClassVisitor(Opcodes.ASM9, writer) {
          @Override
          public MethodVisitor visitMethod(int access, String method, String desc, String signature, String[] ex) {
            return new MethodVisitor(Opcodes.ASM9, super.visitMethod(access, method, desc, signature, ex)) {
              @Override
              public void visitLdcInsn(Object value) {
                super.visitLdcInsn(value instanceof String ? "as the modules wove it" : value);
              }
            };
          }
        }, 0);
        return writer.toByteArray();
      }
    };
    instrumentation.addTransformer(modules, false);
    Object instance;
    try {
      instance = Class.forName(twice).getConstructor().newInstance();
    } finally {
      instrumentation.removeTransformer(modules); // as JvmStart's, it does not take part in retransformations
    }
    assertEquals("as the modules wove it", instance.getClass().getMethod("said").invoke(instance));
    List<byte[]> retransformed = new ArrayList<>();
    ClassFileTransformer after = new ClassFileTransformer() {
      @Override
      public byte[] transform(ClassLoader l, String name, Class<?> redefined, ProtectionDomain d, byte[] bytes) {
        if (redefined == instance.getClass()) {
          retransformed.add(bytes);
        }
        return null;
      }
    };
    instrumentation.addTransformer(after, true);
    try {
      weaving.follow(List.of(new MethodTarget("said", twice, "said")));
    } finally {
      instrumentation.removeTransformer(after);
    }
    assertEquals(List.of("said()Ljava/lang/String;: " + twice + "#said"), gateCalls(retransformed.get(0)));
    assertEquals("as the modules wove it", instance.getClass().getMethod("said").invoke(instance));
  }

  @Test
  void aClassFileThisWeaveCannotReadIsSaidAndLoadsAsItWas() throws Exception {
    weaving.follow(List.of(new MethodTarget("broken", SHELF, "label")));
    byte[] broken = classFile(SHELF);
    broken[7] = 127; // a class file version far beyond any JDK
    assertNull(weaving.transform(loader, SHELF.replace('.', '/'), null, null, broken));
    assertEquals(1, logged.messages().size());
    assertEquals(0, logged.messages().get(0).indexOf("could not instrument " + SHELF + ", left as it was: "),
        logged.messages().get(0));
  }

  private byte[] transform(String binaryName) throws IOException {
    return weaving.transform(loader, binaryName.replace('.', '/'), null, null, classFile(binaryName));
  }

  /** Each method whose first instructions call the gate with a constant: {@code name+descriptor: constant}. */
  private static List<String> gateCalls(byte[] classFile) {
    List<String> calls = new ArrayList<>();
    new ClassReader(classFile).accept(new ClassVisitor(Opcodes.ASM9) {
      @Override
      public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] ex) {
        return new MethodVisitor(Opcodes.ASM9) {
          private Object constant;
          private int instructions;

          @Override
          public void visitLdcInsn(Object value) {
            constant = instructions++ == 0 ? value : null;
          }

          @Override
          public void visitMethodInsn(int opcode, String owner, String method, String desc, boolean isInterface) {
            if (instructions++ == 1 && constant != null && opcode == Opcodes.INVOKESTATIC
                && owner.equals("dev/mcpratelimit/gate/Gate") && method.equals("beforeLimitedMethod")
                && desc.equals("(Ljava/lang/String;)V")) {
              calls.add(name + descriptor + ": " + constant);
            }
          }

          @Override
          public void visitInsn(int opcode) {
            instructions++;
          }

          @Override
          public void visitVarInsn(int opcode, int var) {
            instructions++;
          }
        };
      }
    }, ClassReader.SKIP_FRAMES);
    return calls;
  }

  private byte[] classFile(String binaryName) throws IOException {
    try (InputStream in = ClassLoader.getSystemClassLoader().getResourceAsStream(binaryName.replace('.', '/') + ".class")) {
      assertNotNull(in, binaryName);
      return in.readAllBytes();
    }
  }
}
