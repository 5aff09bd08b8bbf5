package dev.mcpratelimit.cli;

import java.io.File;
import java.util.List;
import net.bytebuddy.agent.ByteBuddyAgent;

/** {@code attach PID [FILE]}: loads this jar as an agent into a running JVM (which needs a JDK). */
final class AttachCommand implements Command {

  @Override
  public String synopsis() {
    return "attach PID [FILE]";
  }

  @Override
  public String summary() {
    return "loads the agent into the running JVM PID, with FILE or the built-in defaults";
  }

  @Override
  public int run(List<String> args, Console console) {
    if (args.isEmpty() || args.size() > 2) {
      return Usage.wrong(this, console);
    }
    String pid = args.get(0);
    try {
      File jar = new File(AttachCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      // The target JVM has its own working directory: hand it an absolute path.
      String config = args.size() == 2 ? new File(args.get(1)).getAbsolutePath() : "";
      ByteBuddyAgent.attach(jar, pid, config);
      console.err().println("attached to " + pid + (config.isEmpty() ? " with the built-in defaults" : " with " + config));
      return ExitCode.OK;
    } catch (Exception e) {
      console.err().println("could not attach to " + pid + ": " + e.getMessage());
      return ExitCode.FAILED;
    }
  }
}
