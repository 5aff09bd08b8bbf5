package dev.mcpratelimit.metrics;

import java.lang.reflect.Method;
import java.util.Arrays;
import javax.management.ListenerNotFoundException;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanNotificationInfo;
import javax.management.MBeanOperationInfo;
import javax.management.MBeanParameterInfo;
import javax.management.NotificationBroadcasterSupport;
import javax.management.NotificationEmitter;
import javax.management.NotificationFilter;
import javax.management.NotificationListener;
import javax.management.StandardMBean;

/**
 * A standard MBean or MXBean whose MBeanInfo says what each part means: the bean's description,
 * each attribute's, operation's and parameter's from the interface's {@link Description}s, and
 * every operation's impact {@code ACTION}.
 */
class DescribedMBean extends StandardMBean {

  private final Class<?> type;
  private final String description;

  <T> DescribedMBean(T implementation, Class<T> type, boolean mxBean, String description) {
    super(implementation, type, mxBean);
    this.type = type;
    this.description = description;
  }

  /** A described MBean that also sends {@code emitter}'s notifications (as StandardEmitterMBean does). */
  static <T> DescribedMBean emitting(T implementation, Class<T> type, String description,
      NotificationBroadcasterSupport emitter) {
    return new Emitting(implementation, type, description, emitter);
  }

  @Override
  protected String getDescription(MBeanInfo info) {
    return description;
  }

  @Override
  protected String getDescription(MBeanAttributeInfo attribute) {
    Method getter = method("get" + attribute.getName(), 0);
    Description text = (getter != null ? getter : method("is" + attribute.getName(), 0)).getAnnotation(Description.class);
    return text != null ? text.value() : super.getDescription(attribute);
  }

  @Override
  protected String getDescription(MBeanOperationInfo operation) {
    Description text = operation(operation).getAnnotation(Description.class);
    return text != null ? text.value() : super.getDescription(operation);
  }

  /** Every operation of the agent changes what it limits or what it remembers. */
  @Override
  protected int getImpact(MBeanOperationInfo operation) {
    return MBeanOperationInfo.ACTION;
  }

  @Override
  protected String getParameterName(MBeanOperationInfo operation, MBeanParameterInfo parameter, int sequence) {
    Description text = parameter(operation, sequence);
    return text != null && !text.name().isEmpty() ? text.name() : super.getParameterName(operation, parameter, sequence);
  }

  @Override
  protected String getDescription(MBeanOperationInfo operation, MBeanParameterInfo parameter, int sequence) {
    Description text = parameter(operation, sequence);
    return text != null ? text.value() : super.getDescription(operation, parameter, sequence);
  }

  private Description parameter(MBeanOperationInfo operation, int sequence) {
    return Arrays.stream(operation(operation).getParameterAnnotations()[sequence])
        .filter(Description.class::isInstance).map(Description.class::cast).findFirst().orElse(null);
  }

  /** The interface's method of this operation (the agent's interfaces overload none). */
  private Method operation(MBeanOperationInfo operation) {
    return method(operation.getName(), operation.getSignature().length);
  }

  private Method method(String name, int parameters) {
    for (Method method : type.getMethods()) {
      if (method.getName().equals(name) && method.getParameterCount() == parameters) {
        return method;
      }
    }
    return null;
  }

  private static final class Emitting extends DescribedMBean implements NotificationEmitter {
    private final NotificationBroadcasterSupport emitter;

    <T> Emitting(T implementation, Class<T> type, String description, NotificationBroadcasterSupport emitter) {
      super(implementation, type, true, description);
      this.emitter = emitter;
    }

    @Override
    public MBeanInfo getMBeanInfo() {
      MBeanInfo info = super.getMBeanInfo();
      return new MBeanInfo(info.getClassName(), info.getDescription(), info.getAttributes(), info.getConstructors(),
          info.getOperations(), emitter.getNotificationInfo(), info.getDescriptor());
    }

    @Override
    public void addNotificationListener(NotificationListener listener, NotificationFilter filter, Object handback) {
      emitter.addNotificationListener(listener, filter, handback);
    }

    @Override
    public void removeNotificationListener(NotificationListener listener) throws ListenerNotFoundException {
      emitter.removeNotificationListener(listener);
    }

    @Override
    public void removeNotificationListener(NotificationListener listener, NotificationFilter filter, Object handback)
        throws ListenerNotFoundException {
      emitter.removeNotificationListener(listener, filter, handback);
    }

    @Override
    public MBeanNotificationInfo[] getNotificationInfo() {
      return emitter.getNotificationInfo();
    }
  }
}
