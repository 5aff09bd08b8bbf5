package dev.mcpratelimit.metrics;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * What JMX tools (jconsole, jmxterm) show for an attribute's getter, an operation or an operation's
 * parameter of the agent's MBean interfaces; read by {@link DescribedMBean}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.PARAMETER})
public @interface Description {

  String value();

  /** A parameter's name (the class file keeps none, so JMX would show p0, p1, ...). */
  String name() default "";
}
