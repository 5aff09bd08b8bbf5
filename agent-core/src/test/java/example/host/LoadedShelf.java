package example.host;

/** Stands for a host's class loaded before a reload names its method, to be retransformed. */
public class LoadedShelf {
  public String label() {
    return "shelf";
  }
}
