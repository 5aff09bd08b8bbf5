package dev.mcpratelimit.instrument;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.example.lib.FakeLibrary;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.dynamic.loading.ByteArrayClassLoader;
import net.bytebuddy.implementation.FixedValue;
import net.bytebuddy.matcher.ElementMatchers;
import org.junit.jupiter.api.Test;

class AdviceReferencesTest {

  /** Stands for advice: uses a library class, one of its methods and a field, and JDK types. */
  static final class LibraryAdvice {
    static String use(Object value) {
      FakeLibrary library = new FakeLibrary();
      return library.greet(String.valueOf(value)) + FakeLibrary.version + List.of(value).size();
    }
  }

  private static final ClassLoader HERE = AdviceReferencesTest.class.getClassLoader();

  private static AdviceReferences references() throws Exception {
    return AdviceReferences.of(List.of(LibraryAdvice.class.getName()), HERE);
  }

  /** A loader whose {@code FakeLibrary} is another version: its class exists, {@code greet} does not. */
  private static ClassLoader withoutGreet() {
    byte[] other = new ByteBuddy().subclass(Object.class).name(FakeLibrary.class.getName())
        .defineMethod("farewell", String.class, net.bytebuddy.description.modifier.Visibility.PUBLIC)
        .withParameters(String.class).intercept(FixedValue.value("bye"))
        .defineField("version", int.class, net.bytebuddy.description.modifier.Visibility.PUBLIC,
            net.bytebuddy.description.modifier.Ownership.STATIC)
        .make().getBytes();
    return new ByteArrayClassLoader(null, Map.of(FakeLibrary.class.getName(), other),
        ByteArrayClassLoader.PersistenceHandler.MANIFEST);
  }

  @Test
  void theLibrarySymbolsAreReadFromTheBytecodeAndTheJdksAreNot() throws Exception {
    List<String> names = references().all().stream().map(Object::toString).toList();
    assertTrue(names.contains("com.example.lib.FakeLibrary"), names.toString());
    assertTrue(names.contains("com.example.lib.FakeLibrary.<init>()V"), names.toString());
    assertTrue(names.contains("com.example.lib.FakeLibrary.greet(Ljava/lang/String;)Ljava/lang/String;"), names.toString());
    assertTrue(names.contains("com.example.lib.FakeLibrary.version"), names.toString());
    assertTrue(names.stream().noneMatch(name -> name.startsWith("java.")), names.toString());
  }

  @Test
  void theCheckRecordsWhatItReadSoThatAnotherVersionIsNotTakenForTheSame() throws Exception {
    Set<WeaveInputs.Read> reads;
    try (WeaveInputs.Recording recording = WeaveInputs.record()) {
      references().missingIn(HERE);
      reads = Set.copyOf(recording.reads());
    }
    assertTrue(reads.stream().anyMatch(read -> read.resource().equals("com/example/lib/FakeLibrary.class")
        && read.answer() >= 0), reads.toString());
    assertTrue(reads.stream().noneMatch(read -> read.resource().startsWith("java/")), reads.toString());
    assertTrue(WeaveInputs.holdIn(HERE, reads), "the same loader reads the same");
    assertTrue(!WeaveInputs.holdIn(withoutGreet(), reads), "another version of the class does not");
  }

  @Test
  void aLoaderWithTheLibraryLacksNothing() throws Exception {
    assertEquals(List.of(), references().missingIn(HERE));
  }

  @Test
  void aLoaderWithoutTheLibraryLacksItAll() throws Exception {
    List<String> missing = references().missingIn(new ByteArrayClassLoader(null, Map.of())).stream()
        .map(Object::toString).toList();
    assertTrue(missing.contains("com.example.lib.FakeLibrary"), missing.toString());
  }

  @Test
  void anotherVersionOfTheLibraryLacksExactlyTheMethodItDropped() throws Exception {
    assertEquals(List.of("com.example.lib.FakeLibrary.greet(Ljava/lang/String;)Ljava/lang/String;"),
        references().missingIn(withoutGreet()).stream().map(Object::toString).toList());
  }

  @Test
  void aModuleFitsOnlyWhereItsLandmarksAndSymbolsAre() throws Exception {
    ModuleFit fit = new ModuleFit(module(List.of(FakeLibrary.class.getName()), List.of()), references());
    assertTrue(fit.matches(HERE));
    assertNull(fit.misfit(HERE));
    assertEquals("lacks com.example.lib.FakeLibrary", fit.misfit(new ByteArrayClassLoader(null, Map.of())));
    assertTrue(fit.misfit(withoutGreet()).startsWith("its advice needs com.example.lib.FakeLibrary.greet("), fit.misfit(withoutGreet()));

    byte[] library;
    try (var in = HERE.getResourceAsStream(FakeLibrary.class.getName().replace('.', '/') + ".class")) {
      library = in.readAllBytes();
    }
    ClassLoader apart = new ByteArrayClassLoader(null, Map.of(FakeLibrary.class.getName(), library),
        ByteArrayClassLoader.PersistenceHandler.MANIFEST);
    assertEquals("its class loader cannot see the agent's classes (dev.mcpratelimit.gate.Gate): it does not delegate"
        + " to the JVM's application class loader", fit.misfit(apart), "the advice's calls would all fail there");

    ModuleFit older = new ModuleFit(module(List.of(FakeLibrary.class.getName()), List.of(AdviceReferencesTest.class.getName())),
        references());
    assertEquals("has " + AdviceReferencesTest.class.getName() + " (another version range)", older.misfit(HERE));
  }

  private static InstrumentationModule module(List<String> landmarks, List<String> excluding) {
    return new InstrumentationModule() {
      @Override
      public String name() {
        return "test";
      }

      @Override
      public List<String> landmarks() {
        return landmarks;
      }

      @Override
      public List<String> excludingLandmarks() {
        return excluding;
      }

      @Override
      public List<InstrumentationPoint> points() {
        return List.of(InstrumentationPoint.on(FakeLibrary.class.getName())
            .expecting("greet(String)", ElementMatchers.named("greet")));
      }
    };
  }
}
