package dev.mcpratelimit.instrument;

import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodTooLargeException;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * The configured methods' weave: before the first instruction of every method of a configured
 * name that has a body (bridges aside), a call of {@code Gate.beforeLimitedMethod} with the target's
 * {@code Class#method} as a constant. Plain ASM rather than Byte Buddy's advice: the call needs no
 * frame (the stack is empty there, and the call leaves it so) and nothing is inlined, so limiting
 * a host's method costs a start a few ASM classes, not the Byte Buddy build.
 */
final class LimitedMethodWeave {

  private static final String GATE = "dev/mcpratelimit/gate/Gate";
  /** Abstract and native methods have no body; a bridge only calls the method it stands for, which is woven. */
  private static final int NOT_WOVEN = Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE | Opcodes.ACC_BRIDGE;

  /**
   * The class file as woven ({@code null} if it declares none of the methods with a body), the names
   * woven, and the methods ({@code name + descriptor}) left as they were because the call would
   * take them past the class file's 64 KB of code.
   */
  record Result(byte[] bytes, Set<String> woven, Set<String> tooLarge) {}

  private LimitedMethodWeave() {}

  /**
   * @param gateKeys by method name, the {@code Class#method} the gate is called with
   * @throws IllegalArgumentException if the class file is not one this ASM reads
   */
  static Result weave(byte[] classFile, Map<String, String> gateKeys) {
    Set<String> tooLarge = new LinkedHashSet<>();
    while (true) {
      try {
        return weave(classFile, gateKeys, tooLarge);
      } catch (MethodTooLargeException e) {
        if (!tooLarge.add(e.getMethodName() + e.getDescriptor())) {
          throw e; // too large as it was: not the weave's doing
        }
      }
    }
  }

  private static Result weave(byte[] classFile, Map<String, String> gateKeys, Set<String> tooLarge) {
    ClassReader reader = new ClassReader(classFile);
    ClassWriter writer = new ClassWriter(reader, 0); // methods not woven are copied as they are
    Set<String> woven = new HashSet<>();
    reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
      @Override
      public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
          String[] exceptions) {
        MethodVisitor method = super.visitMethod(access, name, descriptor, signature, exceptions);
        String key = gateKeys.get(name);
        if (key == null || (access & NOT_WOVEN) != 0 || tooLarge.contains(name + descriptor)) {
          return method;
        }
        woven.add(name);
        return new MethodVisitor(Opcodes.ASM9, method) {
          @Override
          public void visitCode() {
            super.visitCode();
            super.visitLdcInsn(key);
            super.visitMethodInsn(Opcodes.INVOKESTATIC, GATE, "beforeLimitedMethod", "(Ljava/lang/String;)V", false);
          }

          @Override
          public void visitMaxs(int maxStack, int maxLocals) {
            super.visitMaxs(Math.max(maxStack, 1), maxLocals);
          }
        };
      }
    }, 0);
    return new Result(woven.isEmpty() ? null : writer.toByteArray(), Set.copyOf(woven), Set.copyOf(tooLarge));
  }
}
