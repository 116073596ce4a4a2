package smpc.cli;

/**
 * The jar's entry point. `smpc --version` is answered here, before {@link Smpc} is loaded: Smpc's static
 * initialisation registers every command (and with them Jackson, gRPC and the compiler), which is most of
 * the version's start-up time (0.16 s against 0.11 s for the JVM alone on this machine, without an archive).
 * A command the user's warm agent can run goes there ({@link AgentClient}); only when none takes it does this
 * JVM load the rest and run it, then start an agent for the next command.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
      System.out.println(new smpc.net.Version.Provider().getVersion()[0]);
      return;
    }
    AgentClient agent = AgentClient.of(args);
    int code = agent == null ? -1 : agent.relay(args);
    if (code < 0) {
      code = runHere(args);
      if (agent != null) agent.spawn();
      else if (code == 0) AgentClient.afterCluster(args);
    }
    System.exit(code);
  }

  /**
   * Runs the command in this JVM. Interrupted (Ctrl-C: the JVM shuts down while the command runs), its calls are
   * cancelled, so every party cancels the session, as the agent does for a command whose caller was killed; then the
   * command has {@link Agent#CLEAN_UP_MS} to end, its finally blocks deleting its temporary values (logreg's copies of
   * the inputs, which a Ctrl-C used to leave on the parties), before the JVM halts.
   */
  private static int runHere(String[] args) {
    Cancellation cancellation = new Cancellation();
    java.util.concurrent.CountDownLatch finished = new java.util.concurrent.CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      if (finished.getCount() == 0) return; // an ordinary exit, after the command
      cancellation.cancelAll();
      try {
        finished.await(Agent.CLEAN_UP_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "smpc-interrupted"));
    try {
      return Smpc.run(args, cancellation);
    } finally {
      finished.countDown();
    }
  }
}
