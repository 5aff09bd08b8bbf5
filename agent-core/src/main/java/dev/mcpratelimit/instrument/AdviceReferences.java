package dev.mcpratelimit.instrument;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import net.bytebuddy.description.field.FieldDescription;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDefinition;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.FieldVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;
import net.bytebuddy.pool.TypePool;

/**
 * The library symbols a module's advice uses, read from the advice's own bytecode, and which of
 * them a class loader lacks: the idea of OpenTelemetry's muzzle. Advice inlined against a method
 * that does not exist would fail at the first call, inside the host; checked first, it is never
 * applied. JDK types and the agent's own are not checked (they are always there).
 */
final class AdviceReferences {

  /** A class, method ({@code name} and {@code descriptor}) or field ({@code descriptor} null for a class). */
  record Reference(String owner, String name, String descriptor, boolean field) {
    @Override
    public String toString() {
      String type = owner.replace('/', '.');
      return name == null ? type : type + "." + name + (field ? "" : descriptor);
    }
  }

  private final List<Reference> references;

  private AdviceReferences(List<Reference> references) {
    this.references = references;
  }

  /** The references of the advice classes named, read through {@code agentLoader}. */
  static AdviceReferences of(Iterable<String> adviceClasses, ClassLoader agentLoader) throws IOException {
    Set<Reference> found = new LinkedHashSet<>();
    for (String advice : adviceClasses) {
      try (InputStream in = agentLoader.getResourceAsStream(advice.replace('.', '/') + ".class")) {
        if (in == null) {
          throw new IOException("advice class " + advice + " is not in the agent");
        }
        new ClassReader(in).accept(new Collector(found), ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
      }
    }
    return new AdviceReferences(List.copyOf(found));
  }

  List<Reference> all() {
    return references;
  }

  /** The references {@code loader} cannot resolve, in the order the advice uses them. */
  List<Reference> missingIn(ClassLoader loader) {
    TypePool pool = TypePool.Default.of(RecordedLocator.of(loader));
    List<Reference> missing = new ArrayList<>();
    for (Reference reference : references) {
      TypePool.Resolution resolution = pool.describe(reference.owner().replace('/', '.'));
      if (!resolution.isResolved() || (reference.name() != null && !declares(resolution.resolve(), reference))) {
        missing.add(reference);
      }
    }
    return missing;
  }

  /** Whether {@code type} or a supertype declares the member. */
  private static boolean declares(TypeDefinition type, Reference reference) {
    for (TypeDefinition current = type; current != null; current = current.getSuperClass()) {
      TypeDescription erasure = current.asErasure();
      if (reference.field()) {
        for (FieldDescription field : erasure.getDeclaredFields()) {
          if (field.getName().equals(reference.name()) && field.getDescriptor().equals(reference.descriptor())) {
            return true;
          }
        }
      } else {
        for (MethodDescription method : erasure.getDeclaredMethods()) {
          if (method.getInternalName().equals(reference.name()) && method.getDescriptor().equals(reference.descriptor())) {
            return true;
          }
        }
        for (TypeDescription.Generic implemented : erasure.getInterfaces()) {
          if (declares(implemented, reference)) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /** Collects the owners and members the advice's instructions name. */
  private static final class Collector extends ClassVisitor {
    private final Set<Reference> found;

    Collector(Set<Reference> found) {
      super(Opcodes.ASM9);
      this.found = found;
    }

    @Override
    public FieldVisitor visitField(int access, String name, String descriptor, String signature, Object value) {
      return null;
    }

    @Override
    public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
      addTypes(Type.getMethodType(descriptor));
      return new MethodVisitor(Opcodes.ASM9) {
        @Override
        public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
          add(new Reference(owner, name, descriptor, false));
          addTypes(Type.getMethodType(descriptor));
        }

        @Override
        public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
          add(new Reference(owner, name, descriptor, true));
        }

        @Override
        public void visitTypeInsn(int opcode, String type) {
          addType(Type.getObjectType(type));
        }

        @Override
        public void visitLdcInsn(Object value) {
          if (value instanceof Type type && type.getSort() != Type.METHOD) {
            addType(type);
          }
        }
      };
    }

    private void addTypes(Type method) {
      addType(method.getReturnType());
      for (Type argument : method.getArgumentTypes()) {
        addType(argument);
      }
    }

    private void addType(Type type) {
      Type element = type.getSort() == Type.ARRAY ? type.getElementType() : type;
      if (element.getSort() == Type.OBJECT) {
        add(new Reference(element.getInternalName(), null, null, false));
      }
    }

    private void add(Reference reference) {
      if (reference.owner().startsWith("[")) {
        return; // an array's clone(): nothing to check
      }
      if (!reference.owner().startsWith("java/") && !reference.owner().startsWith("dev/mcpratelimit/")) {
        found.add(reference);
      }
    }
  }
}
