package example.host;

import java.util.function.Function;

/** Stands for a host's class with a generic method: its class file has a bridge to it as well. */
public class Shout implements Function<String, String> {
  @Override
  public String apply(String text) {
    return text + "!";
  }
}
