package smpc.cli;

import io.grpc.ClientInterceptor;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import smpc.net.Version;
import smpc.sdk.SmpcException;

/** {@code smpc}: the coordinator and the user's tool. */
@Command(name = "smpc", mixinStandardHelpOptions = true, versionProvider = Version.Provider.class,
    description = "Secure multi-party computation: parties compute on secret-shared data.")
public final class Smpc {
  /** gRPC logs connection noise at INFO; the CLI reports failures itself, as one line. Held so it is not collected. */
  private static final java.util.logging.Logger GRPC_LOG = java.util.logging.Logger.getLogger("io.grpc");

  @Mixin(name = ClusterOptions.NAME) ClusterOptions cluster = new ClusterOptions();

  /** @param interceptors see every call the commands make (auditing, metrics; tests use it to fake a faulty party) */
  Smpc(ClientInterceptor... interceptors) {
    cluster.interceptors = interceptors;
  }

  /** The subcommands, in help order; built by need, since picocli's model of all of them costs ~0.1 s at start. */
  private static final java.util.LinkedHashMap<String, java.util.function.Supplier<Object>> COMMANDS = new java.util.LinkedHashMap<>();

  static {
    COMMANDS.put("cluster", ClusterCommand::new);
    COMMANDS.put("status", StatusCommand::new);
    COMMANDS.put("input", InputCommand::new);
    COMMANDS.put("share", ShareCommand::new);
    COMMANDS.put("align", AlignCommand::new);
    COMMANDS.put("eval", EvalCommand::new);
    COMMANDS.put("reveal", RevealCommand::new);
    COMMANDS.put("list", ListCommand::new);
    COMMANDS.put("rm", RmCommand::new);
    COMMANDS.put("reset", ResetCommand::new);
    COMMANDS.put("approve", ApproveCommand::new);
    COMMANDS.put("policy", PolicyCommand::new);
    COMMANDS.put("revoke", RevokeCommand::new);
    COMMANDS.put("demo", DemoCommand::new);
    COMMANDS.put("bench", BenchCommand::new);
    COMMANDS.put("logreg", LogregCommand::new);
    COMMANDS.put("certs", CertsCommand::new);
    COMMANDS.put("completion", CompletionCommand::new);
    COMMANDS.put("audit", AuditCommand::new);
    COMMANDS.put("agent", AgentCommand::new);
    COMMANDS.put("help", CommandLine.HelpCommand::new);
  }

  /** The whole command tree. */
  public static CommandLine commandLine() {
    return commandLine(COMMANDS.keySet());
  }

  /** The whole command tree, its calls going through {@code interceptors}. */
  static CommandLine commandLine(ClientInterceptor... interceptors) {
    return commandLine(COMMANDS.keySet(), interceptors);
  }

  /**
   * The tree for these arguments: only the named subcommand when the first word after the root options
   * names one (help and usage errors then read the same as with the whole tree), else all of them.
   */
  static CommandLine commandLine(String[] args, ClientInterceptor... interceptors) {
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--cluster") || a.equals("--timeout") || a.equals("--as")) i++;
      else if (!a.startsWith("-")) return commandLine(COMMANDS.containsKey(a) && !a.equals("help") ? java.util.Set.of(a) : COMMANDS.keySet(), interceptors);
    }
    return commandLine(COMMANDS.keySet(), interceptors);
  }

  private static CommandLine commandLine(java.util.Set<String> names, ClientInterceptor... interceptors) {
    Smpc root = new Smpc(interceptors);
    CommandLine cl = new CommandLine(root);
    // whom a command acted as, said once, after it succeeded: a failure stays one line naming the problem
    cl.setExecutionStrategy(parsed -> {
      int code = new CommandLine.RunLast().execute(parsed);
      if (code == 0 && !root.cluster.picked.isEmpty()) {
        cl.getErr().printf("smpc: acted as %s (each action as the client of the party it concerns; --as PARTY for one party's"
            + " client only)%n", String.join(", ", root.cluster.picked));
      }
      return code;
    });
    COMMANDS.forEach((name, make) -> {
      if (names.contains(name)) cl.addSubcommand(make.get());
    });
    // a malformed command line is one line too, naming the problem and the help to read (not the whole usage)
    cl.setParameterExceptionHandler((ex, args) -> {
      CommandLine cmd = ex.getCommandLine();
      java.util.List<String> near = ex instanceof CommandLine.UnmatchedArgumentException u ? Suggestions.of(cmd, u) : java.util.List.of();
      cmd.getErr().println("smpc: error: " + ex.getMessage() + (near.isEmpty() ? "" : " (did you mean " + String.join(" or ", near) + "?)")
          + Suggestions.dashedExpression(cmd, args) + "; see `" + cmd.getCommandSpec().qualifiedName() + " --help`");
      return 2;
    });
    cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
      if (ex instanceof SmpcException s) {
        cmd.getErr().println("smpc: error: " + s.getMessage() + (s instanceof SmpcException.Unavailable ? START_HINT : "")
            + (s.session() != null ? " [session " + s.session() + " in the parties' logs]" : ""));
        return s.isUsageError() ? 2 : 1;
      }
      if (ex instanceof java.io.IOException io) {
        cmd.getErr().println("smpc: error: " + io.getMessage());
        return 2;
      }
      cmd.getErr().println("smpc: error: " + smpc.net.Statuses.describe(ex));
      return 1;
    });
    return cl;
  }

  /** What a user who has not started a cluster yet needs after "unreachable". */
  static final String START_HINT = " (is a cluster running? `smpc status` shows each process; `smpc cluster up` starts a local one)";

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs one command line in this JVM: its exit code. */
  static int run(String[] args, ClientInterceptor... interceptors) {
    quietGrpc();
    CommandLine cl = commandLine(args, interceptors);
    try {
      return cl.execute(args);
    } catch (OutOfMemoryError e) { // picocli passes Errors on: one line instead of a stack trace
      cl.getErr().println(outOfMemory());
      return 1;
    }
  }

  /** What a command that ran out of heap says (its data is unreachable by now), and how to give it more. */
  static String outOfMemory() {
    return String.format(java.util.Locale.ROOT, "smpc: error: out of memory: this command needs more than this JVM's %d MiB heap"
        + " (`input --csv` reads the file whole); give it more with JAVA_TOOL_OPTIONS=-Xmx<size>, or split the input",
        Runtime.getRuntime().maxMemory() >> 20);
  }

  static void quietGrpc() {
    GRPC_LOG.setLevel(java.util.logging.Level.WARNING);
  }
}
