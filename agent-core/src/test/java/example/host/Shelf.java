package example.host;

/** Stands for a host's class with methods a configuration may limit. */
public class Shelf {

  /** Its first instruction is a loop's head: the class file has a frame there. */
  public int halve(int n) {
    while (n > 10) {
      n /= 2;
    }
    return n;
  }

  public String halve(String n) {
    return n + "/2";
  }

  public static String label() {
    return "shelf";
  }

  public native void polish();

  /** Stands for a host's interface: its methods have no body. */
  public interface Source {
    Object tracks();
  }
}
