package example.host;

/** Stands for an SDK class the modules weave at its load, which a reload then names a method of. */
public class Twice {
  public String said() {
    return "as built";
  }
}
