package smpc.net;

import java.io.IOException;
import picocli.CommandLine;

/**
 * The command line of a server process (party-node, dealer-service). A start that fails for a reason an operator
 * can mend (a port in use, unreadable certificates) ends with exit code 1 and one line naming the problem, not a
 * stack trace; anything else still shows its trace, as picocli does by default.
 */
public final class Startup {
  private Startup() {}

  public static CommandLine commandLine(Object command) {
    CommandLine cl = new CommandLine(command);
    cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
      if (!(ex instanceof IOException || ex instanceof smpc.core.Failure || ex instanceof IllegalArgumentException
          || ex instanceof IllegalStateException)) {
        throw ex;
      }
      // the trace, for an operator whose logging configuration shows FINE
      java.util.logging.Logger.getLogger(Startup.class.getName()).log(java.util.logging.Level.FINE, "start failed", ex);
      cmd.getErr().println(cmd.getCommandSpec().qualifiedName() + ERROR + (ex.getMessage() != null ? ex.getMessage() : ex));
      cmd.getErr().flush();
      return 1;
    });
    return cl;
  }

  private static final String ERROR = ": error: ";
  private static final java.util.regex.Pattern LINE = java.util.regex.Pattern.compile("(?:party-node|dealer-service)[^:]*" + ERROR + "(.*)");

  /** The reason in a line {@link #commandLine} printed for a start it could not make, or null for any other line. */
  public static String reason(String line) {
    java.util.regex.Matcher m = LINE.matcher(line);
    return m.matches() ? m.group(1) : null;
  }
}
