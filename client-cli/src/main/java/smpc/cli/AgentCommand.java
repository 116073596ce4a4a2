package smpc.cli;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
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

  /** The sockets of agents that answer now. */
  static List<Path> answering() throws IOException {
    Path dir = dir();
    if (!Files.isDirectory(dir) || !AgentClient.privateDir(dir)) return List.of();
    try (var files = Files.list(dir)) {
      return files.filter(p -> p.toString().endsWith(".sock")).filter(p -> {
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(p))) {
          return true;
        } catch (IOException e) {
          return false;
        }
      }).sorted().toList();
    }
  }

  @Command(name = "status", mixinStandardHelpOptions = true, description = "List this user's agents that answer: process, commands run, idle time, directory.")
  static final class Status implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws IOException {
      List<Path> agents = answering();
      var out = spec.commandLine().getOut();
      out.printf("%d agent%s running (sockets in %s)%n", agents.size(), agents.size() == 1 ? "" : "s", dir());
      for (Path p : agents) {
        String[] reply = new String[1];
        if (request(p, AgentClient.STATUS, reply)) out.print(p.getFileName() + ": " + reply[0]);
      }
      out.flush();
      return 0;
    }
  }

  /** Sends {@code request} to the agent at {@code socket}; whether it answered, its output in {@code text[0]}. */
  static boolean request(Path socket, byte request, String[] text) {
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.connect(UnixDomainSocketAddress.of(socket));
      DataOutputStream out = new DataOutputStream(Channels.newOutputStream(ch));
      out.writeInt(AgentClient.MAGIC);
      out.writeByte(request);
      out.flush();
      DataInputStream in = new DataInputStream(Channels.newInputStream(ch));
      StringBuilder b = new StringBuilder();
      for (byte kind = in.readByte(); kind != AgentClient.EXIT; kind = in.readByte()) {
        byte[] bytes = new byte[in.readInt()];
        in.readFully(bytes);
        b.append(new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
      }
      text[0] = b.toString();
      return true;
    } catch (IOException e) {
      return false; // it went away meanwhile
    }
  }

  @Command(name = "stop", mixinStandardHelpOptions = true, description = "Stop every agent of this user.")
  static final class Stop implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws IOException {
      int stopped = 0;
      for (Path p : answering()) if (request(p, AgentClient.STOP, new String[1])) stopped++;
      spec.commandLine().getOut().printf("stopped %d agent%s%n", stopped, stopped == 1 ? "" : "s");
      spec.commandLine().getOut().flush();
      return 0;
    }
  }
}
