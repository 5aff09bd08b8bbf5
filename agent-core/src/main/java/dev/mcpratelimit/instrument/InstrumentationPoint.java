package dev.mcpratelimit.instrument;

import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * One place a module instruments: a few types, the method shape that must be there (exactly once)
 * for the advice to be right, and the advice (by class name, so that it is inlined, never loaded
 * into the host) or another transformation such as a member substitution. Built once, when the
 * module is read.
 */
public final class InstrumentationPoint {

  /** On the methods {@code methods} match, the enter advice of one class and the exit advice of another (or the same). */
  record Advised(ElementMatcher<? super MethodDescription> methods, String enter, String exit) {}

  final List<String> types;
  String expected;
  ElementMatcher<? super MethodDescription> shape;
  boolean optional;
  boolean notWaitedFor;
  String lost = "";
  String announces;
  final List<Advised> advice = new ArrayList<>();
  final List<AgentBuilder.Transformer> visitors = new ArrayList<>();

  private InstrumentationPoint(List<String> types) {
    this.types = types;
  }

  /** A point on the classes with these binary names. */
  public static InstrumentationPoint on(String... types) {
    return new InstrumentationPoint(List.of(types));
  }

  /**
   * @param expected the shape in words, for the warning when it is missing
   * @param shape matches exactly one method of each type in every version of the module's range
   */
  public InstrumentationPoint expecting(String expected, ElementMatcher<? super MethodDescription> shape) {
    this.expected = expected;
    this.shape = shape;
    return this;
  }

  /** The shape exists in part of the range only: none is fine, more than one is not. */
  public InstrumentationPoint optional() {
    this.optional = true;
    return this;
  }

  /**
   * A class that every host loads early (e.g. {@code McpSchema}) but only some hosts need woven,
   * and those load it late: it does not hold up the host's start waiting for the instrumentation
   * (it is not in the module's target list), and if it loads first it stays as it is.
   */
  public InstrumentationPoint notWaitedFor() {
    this.notWaitedFor = true;
    return this;
  }

  /** What stays undone when the shape is not there, for the warning. */
  public InstrumentationPoint losing(String lost) {
    this.lost = lost;
    return this;
  }

  /** What it makes true, said once per class loader when it is applied (e.g. "caller identity on ..."). */
  public InstrumentationPoint announcing(String announces) {
    this.announces = announces;
    return this;
  }

  public InstrumentationPoint advise(ElementMatcher<? super MethodDescription> methods, Class<?> adviceClass) {
    return advise(methods, adviceClass, adviceClass);
  }

  /** The enter advice of {@code enter} and the exit advice of {@code exit}, so that two points can share one half. */
  public InstrumentationPoint advise(ElementMatcher<? super MethodDescription> methods, Class<?> enter, Class<?> exit) {
    advice.add(new Advised(methods, enter.getName(), exit.getName()));
    return this;
  }

  /** A transformation other than advice, applied with it (its symbols are not checked: keep it to JDK types). */
  public InstrumentationPoint visit(AgentBuilder.Transformer transformer) {
    visitors.add(transformer);
    return this;
  }
}
