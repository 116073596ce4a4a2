package smpc.cli;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import smpc.sdk.SmpcException;

/** `smpc agent`: this user's CLI agents ({@link Agent}), which the commands start and use by themselves. */
@Command(name = "agent", mixinStandardHelpOptions = true, subcommands = {AgentCommand.Status.class, AgentCommand.Stop.class},
    description = {"This user's CLI agents: warm JVMs that run the short cluster commands for `smpc`.",
        "They run status, input, share, align, eval, reveal, list, rm, reset, approve, policy, revoke and audit, so that a command skips ~0.8 s of start-up.",
        "`smpc cluster up` starts one for its directory and environment, and `cluster down` stops it; a command that finds none starts one too.",
        "One exits after $SMPC_AGENT_IDLE_MINUTES (default 15) minutes without a command, or when the jar is rebuilt.",
        "SMPC_AGENT=off runs every command in its own JVM and starts none."})
final class AgentCommand {
  /** The directory of this user's agent sockets, which the launcher names. */
  static Path dir() {
    String d = System.getProperty(AgentClient.DIR_PROPERTY);
    if (d == null || d.isBlank()) throw SmpcException.usage("no agent directory: run smpc through its launcher (./smpc)");
    return Path.of(d);
  }

  /** The sockets in the directory (when it is this user's alone: else there is no agent of this user's there). */
  static List<Path> sockets() throws IOException {
    Path dir = dir();
    if (!Files.isDirectory(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return List.of();
    String why = AgentClient.whyNotPrivate(dir);
    if (why != null) throw SmpcException.usage("%s: no agent of yours can be there", why);
    try (var files = Files.list(dir)) {
      return files.filter(p -> p.toString().endsWith(".sock")).sorted().toList();
    }
  }

  @Command(name = "status", mixinStandardHelpOptions = true, description = "List this user's agents that answer: process, commands run, idle time, directory.")
  static final class Status implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws IOException {
      List<String> lines = new java.util.ArrayList<>();
      for (Path p : sockets()) {
        String reply = request(p, AgentClient.STATUS, "not counted");
        if (reply != null) lines.add(p.getFileName() + ": " + reply);
      }
      var out = spec.commandLine().getOut();
      out.printf("%d agent%s running (sockets in %s)%n", lines.size(), lines.size() == 1 ? "" : "s", dir());
      lines.forEach(out::print);
      out.flush();
      return 0;
    }
  }

  /**
   * Sends {@code request} to the agent at {@code socket}: its output, or null when none answers there, another
   * user serves it (said), or it did not answer within {@link AgentClient#ANSWER_MS} (said, with {@code silent}).
   * A STOP is answered at once (START), and its exit code follows when the agent's running commands have finished.
   */
  static String request(Path socket, byte request, String silent) {
    try (SocketChannel ch = AgentClient.connect(socket)) {
      if (ch == null) return null;
      DataOutputStream out = new DataOutputStream(Channels.newOutputStream(ch));
      out.writeInt(AgentClient.MAGIC);
      out.writeByte(request);
      out.flush();
      DataInputStream in = new DataInputStream(Channels.newInputStream(ch));
      StringBuilder b = new StringBuilder();
      for (byte kind = AgentClient.answer(ch, in, silent); kind != AgentClient.EXIT; kind = in.readByte()) {
        if (kind == AgentClient.START) continue;
        byte[] bytes = new byte[in.readInt()];
        in.readFully(bytes);
        b.append(new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
      }
      return b.toString();
    } catch (IOException e) {
      return null; // it went away meanwhile, or did not answer
    }
  }

  @Command(name = "stop", mixinStandardHelpOptions = true, description = {"Stop every agent of this user (--here: only this directory's).",
      "Each finishes its running commands first; one that does not answer within 5 s (a stopped process) is killed."})
  static final class Stop implements Callable<Integer> {
    @Spec CommandSpec spec;

    @picocli.CommandLine.Option(names = "--here", description = "Only the agent that commands run from this directory, with this"
        + " environment, use (another cluster's agent keeps running).")
    boolean here;

    @Override
    public Integer call() throws IOException {
      int stopped = 0, killed = 0;
      Path mine = here ? AgentClient.socketHere(dir()) : null;
      for (Path p : sockets()) {
        if (mine != null && !p.equals(mine)) continue;
        if (request(p, AgentClient.STOP, "killing it") != null) stopped++;
        else if (kill(p)) killed++;
      }
      spec.commandLine().getOut().printf("stopped %d agent%s%s%n", stopped + killed, stopped + killed == 1 ? "" : "s",
          killed > 0 ? " (" + killed + " killed: " + (killed == 1 ? "it" : "they") + " did not answer)" : "");
      spec.commandLine().getOut().flush();
      return 0;
    }

    /** Kills this user's agent process of {@code socket}, if one runs, and removes the socket. */
    private static boolean kill(Path socket) throws IOException {
      String me = System.getProperty("user.name");
      List<ProcessHandle> agents = ProcessHandle.allProcesses().filter(h -> h.info().user().orElse("").equals(me)
          && h.info().commandLine().orElse("").endsWith(Agent.class.getName() + " " + socket)).toList();
      agents.forEach(ProcessHandle::destroyForcibly);
      Files.deleteIfExists(socket);
      return !agents.isEmpty();
    }
  }
}
