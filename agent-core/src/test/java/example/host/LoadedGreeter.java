package example.host;

/** Stands for a host's class that is loaded before the agent instruments it, to be retransformed. */
public class LoadedGreeter {
  public String greet() {
    return "hi";
  }
}
