package example.host;

/** Stands for a host's class, outside the agent's packages (the agent never weaves its own). */
public class Greeter {
  public String greet() {
    return "hi";
  }
}
