package dev.mcpratelimit.cli;

import java.io.InputStream;
import java.io.PrintStream;

/** The standard streams a command reads and writes; injected so that tests can drive commands. */
record Console(InputStream in, PrintStream out, PrintStream err) {

  /** The process's own {@code System.in}, {@code System.out} and {@code System.err}. */
  static Console system() {
    return new Console(System.in, System.out, System.err);
  }
}
