package dev.mcpratelimit.instrument;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.mcpratelimit.runtime.LoggedLines;
import java.util.List;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ShapeCheckedAdviceTest {

  /** Stands for an SDK class; only the method name matters to the matcher. */
  static class LikeTheSdk {
    public Object dispatch(Object params) {
      return params;
    }
  }

  @RegisterExtension
  final LoggedLines logged = LoggedLines.eachTest();


  private static DynamicType.Builder<?> transform(ShapeCheckedAdvice advice, DynamicType.Builder<?> builder) {
    return advice.transform(builder, TypeDescription.ForLoadedType.of(LikeTheSdk.class),
        LikeTheSdk.class.getClassLoader(), null, null);
  }

  @Test
  void anUnknownShapeIsLeftAloneWithOneWarning() {
    ShapeCheckedAdvice advice = new ShapeCheckedAdvice("mcp-test",
        InstrumentationPoint.on(LikeTheSdk.class.getName()).expecting("dispatchV2(Object)", named("dispatchV2"))
            .losing("nothing is limited"),
        new AgentBuilder.Transformer.ForAdvice().advice(named("dispatchV2"), ToolCallEnterAdvice.class.getName()));
    DynamicType.Builder<?> builder = new ByteBuddy().redefine(LikeTheSdk.class);
    assertSame(builder, transform(advice, builder));
    assertSame(builder, transform(advice, builder));
    List<String> warnings = logged.messages();
    assertEquals(1, warnings.size(), "one warning, however often the class is seen");
    assertEquals(true, warnings.get(0).contains("has 0 methods shaped like dispatchV2(Object) (module mcp-test expects one)"), warnings.get(0));
  }

  @Test
  void theExpectedShapeGetsTheAdvice() {
    ShapeCheckedAdvice advice = new ShapeCheckedAdvice("mcp-test",
        InstrumentationPoint.on(LikeTheSdk.class.getName()).expecting("dispatch(Object)", named("dispatch")),
        new AgentBuilder.Transformer.ForAdvice().advice(named("dispatch"), ToolCallEnterAdvice.class.getName()));
    DynamicType.Builder<?> builder = new ByteBuddy().redefine(LikeTheSdk.class);
    assertNotSame(builder, transform(advice, builder));
    assertEquals(List.of(), logged.messages());
  }

  @Test
  void anOptionalShapeMayBeMissingWithoutAWord() {
    ShapeCheckedAdvice advice = new ShapeCheckedAdvice("mcp-test",
        InstrumentationPoint.on(LikeTheSdk.class.getName()).expecting("legacy(Map)", named("legacy")).optional(),
        new AgentBuilder.Transformer.ForAdvice().advice(named("legacy"), ToolCallEnterAdvice.class.getName()));
    DynamicType.Builder<?> builder = new ByteBuddy().redefine(LikeTheSdk.class);
    assertSame(builder, transform(advice, builder));
    assertEquals(List.of(), logged.messages());
  }
}
