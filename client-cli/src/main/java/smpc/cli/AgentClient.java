package smpc.cli;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import jdk.net.ExtendedSocketOptions;

/**
 * The command's side of the CLI agent ({@link Agent}): a JVM that starts, maps no class-data archive, loads only
 * JDK classes and this one, and relays a command to the user's warm agent over a Unix-domain socket. Starting a
 * JVM per command costs ~0.11 s on the reference machine; initialising picocli, Jackson, gRPC, Netty and TLS in
 * it costs another ~0.8 s, which is what the agent saves (mvnd and the Gradle daemon make the same trade).
 *
 * <p>One agent per jar, working directory and environment (HOME, the locale, TZ and every SMPC_ variable): the
 * socket's name is a hash of them, so that a command resolves paths and defaults exactly as it would in its own
 * JVM; the agent compares the whole context again and declines a command whose context differs. When no agent
 * answers, or it declines, the command runs in this JVM, and afterwards an agent is started for the next one.
 */
final class AgentClient {
  static final int MAGIC = 0x534d5041; // "SMPA"
  static final byte RUN = 1, STOP = 2, STATUS = 3, GO = 4; // requests, and the caller's go-ahead after START
  static final byte OUT = 1, ERR = 2, EXIT = 3, DECLINE = 4, START = 5; // frames of the reply
  /** How long a caller waits for an agent's START or DECLINE before it runs the command itself (a stopped agent). */
  static final long ANSWER_MS = 5_000;

  /**
   * The commands an agent runs: the short ones that talk to a cluster. Not `cluster` or `demo` (the servers they
   * start must not be the agent's children), not `bench` (it measures its own JVM), nor the rare or long ones
   * (`certs`, `logreg`, `completion`), which a warm JVM does not make noticeably faster.
   */
  static final Set<String> SERVED = Set.of("status", "input", "share", "align", "eval", "reveal", "list", "rm", "reset",
      "approve", "policy", "revoke", "audit");

  /** The launcher's switches: {@code -Dsmpc.agent=on} (absent with SMPC_AGENT=off) and the sockets' directory. */
  static final String ON_PROPERTY = "smpc.agent", DIR_PROPERTY = "smpc.agent.dir";

  final Path socket;
  private final Map<String, String> context;

  private AgentClient(Path dir, Map<String, String> context) {
    this.socket = dir.resolve(key(context) + ".sock");
    this.context = context;
  }

  /** The jar these classes run from: the agent's identity, with the context (and its time stamp: a rebuild). */
  static Path jar() {
    try {
      return Path.of(AgentClient.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The user the other end of {@code ch} runs as (SO_PEERCRED), or null when it is this user. */
  static String otherUser(SocketChannel ch) throws IOException {
    String peer = ch.getOption(ExtendedSocketOptions.SO_PEERCRED).user().getName();
    return peer.equals(System.getProperty("user.name")) ? null : peer;
  }

  /** The agent for this command line, or null when the launcher enabled none or the command is not {@link #SERVED}. */
  static AgentClient of(String[] args) {
    // a file such as /dev/stdin or /dev/fd/63 (a shell's <(...)) is the caller's own: the agent would open its own
    for (String a : args) if (a.contains("/dev/") || a.contains("/proc/")) return null;
    return SERVED.contains(commandName(args)) ? here() : null;
  }

  /** The agent of this directory and environment, or null when the launcher enabled none. */
  static AgentClient here() {
    String dir = System.getProperty(DIR_PROPERTY);
    return "on".equals(System.getProperty(ON_PROPERTY)) && dir != null && !dir.isBlank() ? new AgentClient(Path.of(dir), context()) : null;
  }

  /** The socket of this directory's and environment's agent in {@code dir}, whether or not the launcher enabled agents. */
  static Path socketHere(Path dir) {
    return new AgentClient(dir, context()).socket;
  }

  /**
   * After a successful `cluster up`, this context's agent starts (so that the first command after it is quick
   * too); after `cluster down`, it stops (no process of the user's outlives the cluster unasked).
   */
  static void afterCluster(String[] args) {
    AgentClient agent = commandName(args).equals("cluster") ? here() : null;
    if (agent == null) return;
    java.util.List<String> words = java.util.List.of(args);
    if (words.contains("up")) agent.spawn();
    else if (words.contains("down")) AgentCommand.request(agent.socket, STOP, "left running (`smpc agent stop` kills it)");
  }

  /** The socket's name: a 64-bit FNV-1a hash of the jar and the {@link #context()} (a name, not a secret). */
  static String key(Map<String, String> context) {
    long h = 0xcbf29ce484222325L;
    String all = jar() + "\0" + context;
    for (int i = 0; i < all.length(); i++) {
      h ^= all.charAt(i);
      h *= 0x100000001b3L;
    }
    return Long.toUnsignedString(h, 36);
  }

  /** The subcommand's name: the first word that is neither a root option nor a root option's value. */
  static String commandName(String[] args) {
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--cluster") || a.equals("--timeout") || a.equals("--as")) i++;
      else if (!a.startsWith("-")) return a;
    }
    return "";
  }

  /** What a command's result depends on besides its arguments: the working directory and the environment it reads. */
  static Map<String, String> context() {
    Map<String, String> c = new TreeMap<>();
    c.put(" cwd", System.getProperty("user.dir"));
    // the directory itself: a relative path opens against the process's directory, which may since have been
    // renamed and replaced by another of the same name
    try {
      c.put(" cwd-id", String.valueOf(Files.readAttributes(Path.of("/proc/self/cwd"), BasicFileAttributes.class).fileKey()));
    } catch (IOException e) {
      c.put(" cwd-id", "?");
    }
    c.put(" java", System.getProperty("java.home"));
    System.getenv().forEach((k, v) -> {
      if (k.startsWith("SMPC_") && !k.equals("SMPC_AGENT") || k.startsWith("LC_") || k.equals("HOME") || k.equals("LANG") || k.equals("TZ")
          || k.equals("JDK_JAVA_OPTIONS") || k.equals("JAVA_TOOL_OPTIONS") || k.equals("_JAVA_OPTIONS")) c.put(k, v);
    });
    return c;
  }

  /**
   * Whether {@code dir} is this user's alone: owned by this user and closed to everyone else (0700), not a link.
   * Another local user who made the directory first could otherwise serve a fake agent (forged results, consents).
   */
  static boolean privateDir(Path dir) throws IOException {
    return whyNotPrivate(dir) == null;
  }

  /** Null when {@code dir} is {@link #privateDir}, else what is wrong with it. */
  static String whyNotPrivate(Path dir) throws IOException {
    PosixFileAttributes a = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    String me = System.getProperty("user.name"), mode = PosixFilePermissions.toString(a.permissions());
    if (!a.isDirectory()) return dir + " is not a directory";
    if (!a.owner().getName().equals(me)) return dir + " belongs to " + a.owner().getName() + ", not to " + me;
    return mode.equals("rwx------") ? null : dir + " has mode " + mode + ", not rwx------";
  }

  /**
   * Runs {@code args} in the agent: its exit code, or -1 when no agent took the command (none answers, it is not
   * this user's, it declined, or it did not answer in time). The command runs in exactly one place: the agent
   * starts it only after this side's go-ahead, and after the go-ahead this side never runs it itself.
   */
  int relay(String[] args) {
    if (!usableDir(true)) return -1;
    try (SocketChannel ch = connect(socket)) {
      if (ch == null) return -1;
      DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(ch)));
      out.writeInt(MAGIC);
      out.writeByte(RUN);
      out.writeInt(context.size());
      for (var e : context.entrySet()) {
        writeString(out, e.getKey());
        writeString(out, e.getValue());
      }
      out.writeBoolean(System.console() != null);
      out.writeInt(args.length);
      for (String a : args) writeString(out, a);
      out.flush();
      DataInputStream in = new DataInputStream(new BufferedInputStream(Channels.newInputStream(ch)));
      if (answer(ch, in, "running the command here (`smpc agent stop`, or SMPC_AGENT=off)") != START) return -1;
      out.writeByte(GO);
      out.flush();
      return output(in);
    } catch (IOException e) {
      return -1; // no go-ahead was sent: nothing ran there
    }
  }

  /**
   * Whether the sockets' directory is fit to use: absent (the agent makes it) or {@link #privateDir}. Otherwise the
   * command runs in its own JVM, and says why: an agent would never start there.
   */
  boolean usableDir(boolean say) {
    Path dir = socket.getParent();
    try {
      if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) return true;
      String why = whyNotPrivate(dir);
      if (why != null && say) System.err.println("smpc: not using the agent: " + why);
      return why == null;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * A connection to the agent at {@code socket}, checked to be served by this user (SO_PEERCRED: the directory's
   * check alone leaves a race when its parent is someone else's); null when none answers (a dead agent's socket is
   * removed, so that a new one can start) or another user serves it (said on stderr).
   */
  static SocketChannel connect(Path socket) throws IOException {
    if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) return null;
    SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      ch.connect(UnixDomainSocketAddress.of(socket));
      String server = otherUser(ch);
      if (server == null) return ch;
      System.err.println("smpc: not using the agent: " + socket + " is served by " + server);
    } catch (java.net.ConnectException dead) {
      Files.deleteIfExists(socket);
    }
    ch.close();
    return null;
  }

  /**
   * The agent's first frame; if none comes within {@link #ANSWER_MS} (a stopped agent), the channel is closed and
   * the caller told "did not answer ...: " + {@code then}.
   */
  static byte answer(SocketChannel ch, DataInputStream in, String then) throws IOException {
    Object lock = new Object();
    boolean[] answered = {false};
    Thread guard = new Thread(() -> {
      try {
        Thread.sleep(ANSWER_MS);
        synchronized (lock) {
          if (!answered[0]) {
            System.err.println("smpc: the agent at " + ch.getRemoteAddress() + " did not answer within " + ANSWER_MS / 1000 + " s: " + then);
            ch.close();
          }
        }
      } catch (InterruptedException | IOException e) {
        // answered, or closed anyway
      }
    });
    guard.setDaemon(true);
    guard.start();
    byte first = in.readByte();
    synchronized (lock) {
      answered[0] = true;
    }
    guard.interrupt();
    return first;
  }

  /**
   * Copies the command's output until its exit code. A local stdout or stderr that fails (a closed pipe, a full
   * disk) drops the rest of that output, as a JVM's own System.out does, and the exit code stays the command's.
   */
  private static int output(DataInputStream in) {
    OutputStream[] local = {new FileOutputStream(FileDescriptor.out), new FileOutputStream(FileDescriptor.err)};
    try {
      while (true) {
        byte kind = in.readByte();
        if (kind == EXIT) return in.readInt();
        byte[] b = new byte[in.readInt()];
        in.readFully(b);
        int i = kind == OUT ? 0 : 1;
        try {
          if (local[i] != null) local[i].write(b);
        } catch (IOException e) {
          local[i] = null;
        }
      }
    } catch (IOException e) {
      // it may have changed something (an input, a consent): running it again here could do that twice
      System.err.println("smpc: error: the agent stopped during the command (" + (e.getMessage() != null ? e.getMessage() : "it exited")
          + "); `smpc list` shows what is stored");
      return 1;
    }
  }

  /** Starts an agent for the next command, unless one answers at the socket already. */
  void spawn() {
    if (Files.exists(socket, LinkOption.NOFOLLOW_LINKS) || !usableDir(false)) return;
    // its own session: the terminal's Ctrl-C and hang-up reach this command's process group, not the agent
    Path setsid = Files.isExecutable(Path.of("/usr/bin/setsid")) ? Path.of("/usr/bin/setsid") : Path.of("/bin/setsid");
    String javaBin = ProcessHandle.current().info().command().orElse(null);
    if (!Files.isExecutable(setsid) || javaBin == null) return;
    try {
      var cmd = new ArrayList<>(List.of(setsid.toString(), javaBin, "-XX:+UseSerialGC", "-XX:-UsePerfData",
          "-Xshare:auto", "-Xlog:cds=off", "-Xlog:cds+dynamic=off"));
      String cds = System.getProperty("smpc.cds");
      if (cds != null && Files.isReadable(Path.of(cds))) cmd.add("-XX:SharedArchiveFile=" + Path.of(cds).toAbsolutePath());
      cmd.addAll(List.of("-cp", jar().toString(), "smpc.cli.Agent", socket.toString()));
      new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    } catch (Exception e) {
      // no agent then: every command keeps running in its own JVM, as with SMPC_AGENT=off
    }
  }

  static void writeString(DataOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  static String readString(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > (64 << 20)) throw new IOException("malformed request");
    byte[] b = new byte[n];
    in.readFully(b);
    return new String(b, StandardCharsets.UTF_8);
  }
}
