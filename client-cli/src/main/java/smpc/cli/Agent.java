package smpc.cli;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine;
import smpc.sdk.ChannelPool;

/**
 * The CLI agent: a long-lived JVM of one user that runs {@link AgentClient#SERVED} commands for that user's
 * {@code smpc} invocations, so that each pays for starting a small JVM (~0.1 s) and not for initialising gRPC,
 * Netty, TLS and the compiler again (~0.8 s). It is what `smpc` would be in its own JVM: the same jar, working
 * directory and environment (else it declines), the caller's arguments, its own command tree, TLS connections and
 * client certificates per command, output streamed back as written, the exit code returned.
 *
 * <p>Trust: the socket lives in a directory of this user's only (0700, checked by both sides), and each side
 * checks that the other's peer credentials (SO_PEERCRED) are this user's; it runs nothing another user could not
 * run as themselves with this user's files. A command runs in one place only: here after the caller's go-ahead,
 * or in the caller's JVM when none came. It exits after {@link #IDLE_MINUTES} without a command, when its jar is
 * rebuilt, when its socket is removed, and on `smpc agent stop` (once its running commands finish).
 */
public final class Agent {
  /** Minutes without a command after which an agent exits (SMPC_AGENT_IDLE_MINUTES, a positive integer; default 15). */
  private static final long DEFAULT_IDLE_MINUTES = 15;
  static final long IDLE_MINUTES = idleMinutes(System.getenv("SMPC_AGENT_IDLE_MINUTES"));

  /** How long a command whose caller was killed may take to end once its calls are cancelled. */
  static final long CANCEL_MS = 10_000;
  /** How long it is left uninterrupted first, to delete its temporaries (a call interrupted fails, and so would they). */
  static final long CLEAN_UP_MS = 5_000;

  /** Whether the command on this thread writes to a terminal: its caller's, not the agent's (which has none). */
  private static final ThreadLocal<Boolean> TERMINAL = new ThreadLocal<>();

  private final Path socket;
  private final Map<String, String> context = AgentClient.context();
  private final long jarStamp = jarStamp();
  private final AtomicInteger active = new AtomicInteger();
  private final AtomicInteger served = new AtomicInteger();
  private volatile long lastUse = System.nanoTime();
  private volatile boolean stopping;
  private ServerSocketChannel server;
  private Object socketKey;

  private Agent(Path socket) {
    this.socket = socket;
  }

  static long idleMinutes(String setting) {
    try {
      long m = setting == null ? DEFAULT_IDLE_MINUTES : Long.parseLong(setting.trim());
      return m > 0 ? m : DEFAULT_IDLE_MINUTES;
    } catch (NumberFormatException e) {
      return DEFAULT_IDLE_MINUTES; // the launcher's JVM does not read it; an agent that then never started would be worse than a default
    }
  }

  /** Whether a command's output goes to a terminal (progress bars redraw a line only there). */
  static boolean terminal() {
    Boolean t = TERMINAL.get();
    return t != null ? t : System.console() != null;
  }

  public static void main(String[] args) throws IOException {
    Agent agent = new Agent(Path.of(args[0]));
    Path dir = agent.socket.getParent();
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) { // its parent ($XDG_RUNTIME_DIR, /tmp) must exist already
      Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
    if (!AgentClient.privateDir(dir)) System.exit(1);
    agent.server = agent.bind();
    if (agent.server == null) System.exit(0); // another agent answers there
    Smpc.quietGrpc();
    Runtime.getRuntime().addShutdownHook(new Thread(agent::removeSocket));
    ClusterOptions.pool = new ChannelPool(); // kept for every command: no handshakes of their own
    Thread warmUp = new Thread(Agent::warmUp, "agent-warm-up");
    warmUp.setDaemon(true);
    warmUp.start();
    Thread watchdog = new Thread(agent::watch, "agent-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
    while (!agent.stopping) {
      SocketChannel ch;
      try {
        ch = agent.server.accept();
      } catch (IOException closed) {
        break;
      }
      Thread t = new Thread(() -> agent.serve(ch), "agent-command");
      t.setDaemon(true);
      t.start();
    }
    // stopping (`smpc agent stop`, idle, a new jar): the thread that stops it exits once the running commands finish
    while (true) {
      try {
        Thread.sleep(Long.MAX_VALUE);
      } catch (InterruptedException e) {
        // keep waiting
      }
    }
  }

  /**
   * Initialises what every command uses (picocli, Jackson, gRPC, Netty, TLS: ~0.6 s of class initialisation) before
   * the first one arrives, by asking the cluster of this context for its health, as `smpc status --json` would; the
   * output is dropped. A command that arrives meanwhile runs alongside.
   */
  private static void warmUp() {
    PrintWriter none = new PrintWriter(OutputStream.nullOutputStream());
    try {
      Smpc.commandLine(new String[] {"status"}).setOut(none).setErr(none).execute("status", "--json", "--timeout", "10");
    } catch (RuntimeException e) {
      // a cold first command then
    }
  }

  /** Binds the socket, replacing a dead agent's; null when a live agent holds it. */
  private ServerSocketChannel bind() throws IOException {
    UnixDomainSocketAddress address = UnixDomainSocketAddress.of(socket);
    for (int attempt = 0; attempt < 2; attempt++) {
      ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
      try {
        s.bind(address);
        socketKey = Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        return s;
      } catch (java.net.BindException taken) {
        s.close();
        try (SocketChannel probe = SocketChannel.open(address)) {
          return null;
        } catch (IOException dead) {
          Files.deleteIfExists(socket);
        }
      }
    }
    return null;
  }

  /** Exits when idle, when the jar was rebuilt (its commands would be stale), or when the socket is no longer ours. */
  private void watch() {
    while (true) {
      try {
        Thread.sleep(2_000);
      } catch (InterruptedException e) {
        return;
      }
      if (active.get() > 0) continue;
      boolean idle = System.nanoTime() - lastUse > IDLE_MINUTES * 60_000_000_000L;
      if (idle || jarStamp() != jarStamp || !ours()) {
        stop();
        System.exit(0);
      }
    }
  }

  private boolean ours() {
    try {
      return socketKey != null
          && socketKey.equals(Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey());
    } catch (IOException e) {
      return false;
    }
  }

  private void removeSocket() {
    try {
      if (ours()) Files.deleteIfExists(socket);
    } catch (IOException e) {
      // exiting anyway; the next agent replaces a dead socket
    }
  }

  private static long jarStamp() {
    try {
      return Files.getLastModifiedTime(AgentClient.jar()).toMillis();
    } catch (Exception e) {
      return -1;
    }
  }

  /** One command: check the caller and the context, run it, stream its output, return its exit code. */
  private void serve(SocketChannel ch) {
    try (ch) {
      if (AgentClient.otherUser(ch) != null) return;
      DataInputStream in = new DataInputStream(new BufferedInputStream(Channels.newInputStream(ch)));
      Frames reply = new Frames(ch);
      if (in.readInt() != AgentClient.MAGIC) return;
      byte request = in.readByte();
      if (request == AgentClient.STOP) {
        reply.start(); // at once: the caller then waits for the running commands as long as they take
        stop();
        reply.exit(0);
        System.exit(0);
      }
      if (request == AgentClient.STATUS) {
        int running = active.get();
        String state = running > 0 ? "running " + running + " now" : "idle for " + (System.nanoTime() - lastUse) / 1_000_000_000L + " s";
        reply.stream(AgentClient.OUT).write(String.format("pid %d, %d command%s run, %s, in %s%n", ProcessHandle.current().pid(),
            served.get(), served.get() == 1 ? "" : "s", state, context.get(" cwd")).getBytes(StandardCharsets.UTF_8));
        reply.exit(0);
        return;
      }
      Map<String, String> theirs = new TreeMap<>();
      for (int i = in.readInt(); i > 0; i--) theirs.put(AgentClient.readString(in), AgentClient.readString(in));
      boolean terminal = in.readBoolean();
      String[] args = new String[in.readInt()];
      for (int i = 0; i < args.length; i++) args[i] = AgentClient.readString(in);
      active.incrementAndGet(); // before the check of stopping: stop() waits for every command that passed it
      try {
        if (stopping || !theirs.equals(context) || jarStamp() != jarStamp || !AgentClient.SERVED.contains(AgentClient.commandName(args))) {
          reply.decline(); // the command runs in its own JVM instead
          return;
        }
        // START, then the caller's go-ahead: a caller that gave up waiting (and runs the command itself) sends none
        reply.start();
        if (in.readByte() != AgentClient.GO) return;
        served.incrementAndGet();
        run(args, terminal, ch, reply);
      } finally {
        lastUse = System.nanoTime();
        active.decrementAndGet();
      }
    } catch (IOException e) {
      // the caller went away before its go-ahead, or after its command's end
    }
  }

  /** Takes no more commands (the socket goes at once) and returns when the running ones have finished. */
  private void stop() {
    stopping = true;
    removeSocket();
    try {
      server.close();
    } catch (IOException e) {
      // closed already
    }
    while (active.get() > 0) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private static void run(String[] args, boolean terminal, SocketChannel ch, Frames reply) throws IOException {
    // The caller sends nothing more: an end of stream before the exit code means it was killed (Ctrl-C). A JVM of
    // the command's own would have died with it, its connections dropped, and every party would have cancelled the
    // session; here the command's calls are cancelled instead (the other commands in this agent run on). Should the
    // command still not end within CANCEL_MS, the agent halts: nothing may go on running that its caller stopped.
    boolean[] finished = {false};
    Cancellation cancellation = new Cancellation();
    Thread worker = Thread.currentThread();
    Thread hangUp = new Thread(() -> {
      try {
        ch.read(ByteBuffer.allocate(1));
      } catch (IOException e) {
        // closed: as good as an end of stream
      }
      synchronized (finished) {
        if (finished[0]) return;
        cancellation.cancelAll();
        try {
          finished.wait(CLEAN_UP_MS); // its calls fail now: its finally blocks delete its temporaries, uninterrupted
          if (!finished[0]) {
            worker.interrupt(); // a wait that is not a call
            finished.wait(CANCEL_MS);
          }
        } catch (InterruptedException e) {
          // halt then
        }
        if (!finished[0]) Runtime.getRuntime().halt(130);
      }
    }, "agent-hang-up");
    hangUp.setDaemon(true);
    hangUp.start();
    // the caller's charset: the same locale (the context includes LANG and LC_*), so the same default
    java.nio.charset.Charset cs = java.nio.charset.Charset.defaultCharset();
    PrintWriter out = new PrintWriter(new OutputStreamWriter(reply.stream(AgentClient.OUT), cs), true);
    PrintWriter err = new PrintWriter(new OutputStreamWriter(reply.stream(AgentClient.ERR), cs), true);
    int code;
    TERMINAL.set(terminal);
    try {
      CommandLine cl = Smpc.commandLine(args, cancellation);
      cl.setOut(out);
      cl.setErr(err);
      code = cl.execute(args);
    } catch (OutOfMemoryError e) {
      err.println(Smpc.outOfMemory());
      code = 1;
    } catch (RuntimeException | Error e) {
      err.println("smpc: error: " + smpc.net.Statuses.describe(e));
      code = 1;
    } finally {
      TERMINAL.remove();
    }
    out.flush();
    err.flush();
    synchronized (finished) {
      finished[0] = true;
      finished.notifyAll();
    }
    reply.exit(code);
  }

  /**
   * The reply: frames of (kind, length, bytes) and a last one with the exit code, written to the channel itself
   * (not through Channels.newOutputStream, whose streams share one lock with the reads that wait for a hang-up).
   */
  private static final class Frames {
    private final SocketChannel ch;

    Frames(SocketChannel ch) {
      this.ch = ch;
    }

    OutputStream stream(byte kind) {
      return new OutputStream() {
        @Override
        public void write(int b) throws IOException {
          write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          send(ByteBuffer.allocate(5 + len).put(kind).putInt(len).put(b, off, len));
        }
      };
    }

    void exit(int code) throws IOException {
      send(ByteBuffer.allocate(5).put(AgentClient.EXIT).putInt(code));
    }

    void decline() throws IOException {
      send(ByteBuffer.allocate(1).put(AgentClient.DECLINE));
    }

    void start() throws IOException {
      send(ByteBuffer.allocate(1).put(AgentClient.START));
    }

    private synchronized void send(ByteBuffer frame) throws IOException {
      frame.flip();
      while (frame.hasRemaining()) ch.write(frame);
    }
  }
}
