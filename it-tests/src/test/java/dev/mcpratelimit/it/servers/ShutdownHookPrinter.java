package dev.mcpratelimit.it.servers;

/** A host whose shutdown hook writes to stderr: what it prints must reach stderr with the agent too. */
public final class ShutdownHookPrinter {

  private ShutdownHookPrinter() {}

  public static void main(String[] args) {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        Thread.sleep(300); // shutdown hooks run concurrently: after the log manager's own, which resets it
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      System.err.println("host shutdown hook ran");
    }));
    System.err.println("host ran");
  }
}
