package smpc.cli;

import io.grpc.ManagedChannel;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import smpc.net.Grpc;
import smpc.sdk.ClusterConfig;
import smpc.sdk.ClusterConfig.Node;
import smpc.sdk.SmpcException;

/** Starts and stops a cluster as background processes on 127.0.0.1 (what `smpc cluster up/down` do). */
public final class LocalCluster {
  private LocalCluster() {}

  /**
   * Where the party and dealer jars are: the directory the CLI's own jar sits in (the build puts them beside
   * it), or -Dsmpc.lib / $SMPC_LIB. Nothing here knows the source tree's layout, so an unpacked
   * distribution works the same as a build directory.
   */
  static Path lib() {
    String d = System.getProperty("smpc.lib", System.getenv("SMPC_LIB"));
    if (d != null && !d.isBlank()) return Path.of(d);
    try {
      Path self = Path.of(LocalCluster.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return self.getParent(); // target/ for both target/client-cli-*-all.jar and target/classes (tests)
    } catch (Exception e) {
      throw SmpcException.failure("cannot tell where the smpc CLI is installed (%s): set SMPC_LIB to the directory of its jars", e);
    }
  }

  static Path jar(String module) {
    Path dir = lib();
    String hint = "build with `mvn -B -DskipTests package`, or set SMPC_LIB to the directory holding the process jars";
    try (var s = Files.list(dir)) {
      return s.filter(f -> f.getFileName().toString().matches(module + "-.*-all\\.jar")).findFirst()
          .orElseThrow(() -> SmpcException.failure("no %s jar in %s: %s", module, dir, hint));
    } catch (IOException e) {
      throw SmpcException.failure("no %s jar in %s: %s", module, dir, hint);
    }
  }

  /**
   * The config with mutual TLS, using (or first creating) the certificates in {@code certs}; the CLI presents
   * the client certificate of the party each action concerns (it holds them all).
   */
  static ClusterConfig withCertificates(ClusterConfig config, Path certs) throws Exception {
    if (!Files.exists(certs.resolve(smpc.net.Trust.DIR))) Certificates.create(certs, config.partyNames(), List.of(), 365);
    // a party new to this directory gets an organisation of its own beside the others (the trust bundle grows)
    for (String p : config.partyNames()) {
      if (!Files.exists(certs.resolve(p + ".pem"))) Certificates.organisation(certs, p, List.of(), 365, false);
    }
    return config.withTls(new ClusterConfig.TlsConfig(certs.toAbsolutePath().toString(), null));
  }

  /**
   * Starts every process of {@code config} that does not answer its health check (all of them on a new
   * cluster, only the dead ones on an existing one), waits until all are healthy, and returns the
   * config with the PIDs of the processes it started.
   */
  public static ClusterConfig up(ClusterConfig config, Path logDir) throws IOException, InterruptedException {
    Files.createDirectories(logDir);
    Path lib = logDir.resolveSibling("lib");
    String peers = config.parties().stream().map(n -> n.name() + "=" + n.address()).collect(Collectors.joining(","));
    List<Started> started = new ArrayList<>();
    Node dealer = config.dealer();
    smpc.net.Tls tls = config.identity();
    List<String> security = config.tls() != null ? List.of("--tls-dir", config.tls().dir()) : List.of("--insecure");
    // a port another process holds is refused before anything starts: a process that cannot bind would fail the
    // whole start after the others came up
    boolean dealerDown = !healthy(smpc.net.Tls.DEALER_NAME, dealer.address(), tls)
        && mustStart(dealer, smpc.net.Tls.DEALER_NAME, tls);
    List<Node> partiesDown = new ArrayList<>();
    for (Node p : config.parties()) if (!healthy(p.name(), p.address(), tls) && mustStart(p, p.name(), tls)) partiesDown.add(p);
    if (dealerDown) {
      ClassDataArchives.Launch launch = ClassDataArchives.launch("dealer-service", lib, true);
      List<String> args = new ArrayList<>(launch.flags());
      args.addAll(List.of("-jar", launch.jar().toString(), "--port", port(dealer.address())));
      args.addAll(security);
      started.add(start("dealer", dealer.address(), args, logDir, config.parties().size() + 1, false));
    }
    for (Node p : partiesDown) {
      // while the build trains, one party writes the party archive (all would write the same file)
      ClassDataArchives.Launch launch = ClassDataArchives.launch("party-node", lib, p == config.parties().get(0));
      List<String> args = new ArrayList<>(launch.flags());
      args.addAll(List.of("-jar", launch.jar().toString(), "--name", p.name(), "--port",
          port(p.address()), "--peers", peers, "--dealer", dealer.address(), "--frac-bits", Integer.toString(config.fracBitsOrDefault()),
          "--data-dir", logDir.resolveSibling("data").resolve(p.name()).toString()));
      args.addAll(security);
      started.add(start(p.name(), p.address(), args, logDir, config.parties().size() + 1, true));
    }
    try {
      for (Started s : started) awaitHealthy(s, logDir, tls);
    } catch (RuntimeException e) {
      for (Started s : started) stop(s.process().pid());
      throw e;
    }
    Node newDealer = withPid(dealer, started);
    List<Node> parties = config.parties().stream().map(n -> withPid(n, started)).toList();
    return new ClusterConfig(newDealer, parties, config.fracBits(), logDir.toString(), config.tls(), config.as(), config.rounding());
  }

  /** @param logFrom where this start's lines begin in its log (the log keeps earlier starts') */
  private record Started(String name, String address, Process process, long logFrom) {}

  private static Node withPid(Node n, List<Started> started) {
    return started.stream().filter(s -> s.name().equals(n.name())).findFirst()
        .map(s -> new Node(n.name(), n.address(), s.process().pid())).orElse(n);
  }

  /**
   * A party's heap. Sessions stream long vectors in blocks, so what a party needs is bounded by the block, the
   * plan's registers and the sessions it runs at once (its budget, 80 % of this, refuses the rest), not by
   * vector lengths. A larger heap only lets G1 spread a streamed session's short-lived block arrays over more
   * memory: with 4.5 GB the designated party of a 10^8-element W2 reached 2.1–2.2 GB resident, with 1 GiB
   * 0.86–0.95 GB, as fast (docs/performance.md). An operator who runs big whole-vector plans (a variance or a SLICE
   * over 2^26 elements) raises it with SMPC_SERVER_JAVA_OPTS=-Xmx...
   */
  static final long PARTY_HEAP_MB = 1024;

  /**
   * G1 keeps the heap a workload grew to until its next collection, and an idle server collects nothing: one W2
   * left each party holding 0.45–0.55 GB for good. A collection after 5 s without one, and shrinking the heap
   * to 30 % free space after it, bring an idle party back to under 0.2 GB (docs/performance.md). G1 starts its
   * concurrent cycle at a fixed 45 % of the heap it has (its own default, not adapted): its adaptive threshold
   * undid the cycles of a long streamed session on a 4.5 GB heap (1.6 GB resident for 130 MB live), and a fixed
   * 15 %, tried against that, had G1 marking almost without pause on a heap kept small by the 30 % above: W2 at
   * 10^6 took 1.31 s median against 0.74 s at 45 % (eight fresh clusters each, alternating), while the 1 GiB
   * heap of {@link #PARTY_HEAP_MB} now bounds the long sessions (W2 at 10^8: 1.13 GB at the designated party,
   * 0.25 GB 30 s after). The Dockerfiles pass the same flags.
   */
  static final List<String> RETURN_MEMORY = List.of("-XX:G1PeriodicGCInterval=5000", "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=30",
      "-XX:-G1UseAdaptiveIHOP", "-XX:InitiatingHeapOccupancyPercent=45");

  /**
   * The heap an idle server shrinks to, no lower. Shrunk to 30 % free space, a party's heap settled at 22-29 MB for a
   * live set of 12-15 MB: a young collection every third of a second in small sessions (W1), and its occupancy always
   * above the 45 % that starts a concurrent cycle, so G1 marked almost without pause. With a 64 MB floor each party
   * paused 37-56 times instead of 92-212 over 17,000 W1 sessions, the servers spent 2.9-3.3 ms of CPU per session
   * instead of 3.7-4.0, W1 took 2.0-2.2 ms median instead of 2.5-2.6, and a party's peak resident memory fell from
   * 280-295 MB to 206-228 MB (docs/performance.md, "W1 once warm").
   */
  static final long HEAP_FLOOR_MB = 64;

  /**
   * C2 compiles a method after a twentieth of the calls it waits for by default (250, not 5,000; 750 calls and
   * loop iterations together, not 15,000); a loop running on (on-stack replacement) keeps its default threshold.
   * A small session (W1) calls most of its gRPC, Netty, TLS and protobuf methods a few times, so by default the
   * servers were still compiling them after 3,500 sessions (C2 took 6.6 of their 15.5 ms of CPU per session) and
   * ran them as profiled C1 code meanwhile: W1 4.8-5.0 ms median after 3,000 sessions, 3.7-3.9 ms with this.
   * Scaling every threshold instead (-XX:CompileThresholdScaling) also compiled the big workloads' loops on young
   * profiles: W3 1.6 times slower, the first W2 1.6 times longer (docs/performance.md).
   */
  static final List<String> JIT = List.of("-XX:Tier4InvocationThreshold=250", "-XX:Tier4MinInvocationThreshold=30",
      "-XX:Tier4CompileThreshold=750");

  /**
   * Starts one of the cluster's {@code processes} JVMs. They share this machine: left to the JVM's default
   * (1/4 of RAM each), 5 parties and the dealer could grow to 150 % of RAM, and the kernel's OOM killer would
   * end some process (perhaps not ours) instead of a clean OutOfMemoryError. So together their heaps get 3/4,
   * and a party's at most {@link #PARTY_HEAP_MB}.
   */
  private static Started start(String name, String address, List<String> args, Path logDir, int processes, boolean party)
      throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    // G1, not Parallel: a session's big vectors are humongous objects that G1 never copies (and frees
    // eagerly), where Parallel's young collections copied 100–280 MB of in-flight vectors in 100–190 ms
    // pauses that stalled every party's session (W2 median 0.26–0.33 s against 0.42–0.54 s, half the RSS)
    cmd.add("-XX:+UseG1GC");
    cmd.addAll(RETURN_MEMORY);
    cmd.addAll(JIT);
    double share = Math.min(25.0, 75.0 / processes);
    long ramMb = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getTotalMemorySize() >> 20;
    long maxMb = party ? Math.min(PARTY_HEAP_MB, (long) (ramMb * share / 100)) : (long) (ramMb * share / 100);
    cmd.add(party ? "-Xmx" + maxMb + "m" : String.format(java.util.Locale.ROOT, "-XX:MaxRAMPercentage=%.1f", share));
    // never above the maximum, which the JVM would refuse; an operator who sizes the heap sizes its floor too
    boolean sized = SERVER_JAVA_OPTS.stream().anyMatch(o -> o.startsWith("-Xmx") || o.startsWith("-Xms") || o.startsWith("-XX:MaxRAM"));
    if (!sized) cmd.add("-Xms" + Math.min(HEAP_FLOOR_MB, maxMb) + "m");
    cmd.addAll(SERVER_JAVA_OPTS); // after ours, so that an operator's -Xmx or GC choice wins
    cmd.addAll(args);
    File log = logDir.resolve(name + ".log").toFile();
    ProcessBuilder pb = new ProcessBuilder(cmd);
    // glibc gives each thread that mallocs its own arena, and keeps freed native memory in them (RocksDB, Netty):
    // two arenas brought the largest party back to 245-251 MB 30 s after W3/W2 at 10^7, against 266-362 MB
    // (docs/performance.md); an operator's own setting wins
    pb.environment().putIfAbsent("MALLOC_ARENA_MAX", "2");
    long from = log.length();
    Process p = pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log))
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    return new Started(name, address, p, from);
  }

  /** Extra JVM options for every process `cluster up` starts, from {@code $SMPC_SERVER_JAVA_OPTS} (split at spaces). */
  static final List<String> SERVER_JAVA_OPTS = java.util.Arrays.stream(
      java.util.Objects.requireNonNullElse(System.getenv("SMPC_SERVER_JAVA_OPTS"), "").trim().split("\\s+"))
      .filter(o -> !o.isEmpty()).toList();

  /** Four JVMs starting at once on a loaded 2-core machine take well over a minute. */
  private static final int START_SECONDS = 180;

  private static void awaitHealthy(Started s, Path logDir, smpc.net.Tls tls) throws InterruptedException {
    long until = System.currentTimeMillis() + 1000L * START_SECONDS;
    while (System.currentTimeMillis() < until) {
      if (!s.process().isAlive()) {
        Path log = logDir.resolve(s.name() + ".log");
        throw SmpcException.failure("%s exited with code %d at start%s; see %s", s.name(), s.process().exitValue(),
            lastError(log, s.logFrom()), log);
      }
      if (healthy(s.name(), s.address(), tls)) return;
      Thread.sleep(100);
    }
    throw SmpcException.failure("%s did not become healthy at %s within %d s; see %s", s.name(), s.address(), START_SECONDS,
        logDir.resolve(s.name() + ".log"));
  }

  /** How long `cluster up` waits for a process of this cluster that holds its port but has not answered yet. */
  private static final int SLOW_SECONDS = 15;

  /**
   * Whether a node that did not answer its health check is to be started: yes when its port is free. A port held
   * by this cluster's own process (alive, from the cluster file) is waited for a while, as a loaded machine may
   * answer late; held by anything else, or by a process of ours that stays silent, the start is refused.
   */
  private static boolean mustStart(Node n, String principal, smpc.net.Tls tls) throws InterruptedException {
    int port = Integer.parseInt(port(n.address()));
    if (free(port)) return true;
    if (n.pid() != null && ours(n.pid())) {
      for (long until = System.currentTimeMillis() + 1000L * SLOW_SECONDS; System.currentTimeMillis() < until; Thread.sleep(200)) {
        if (healthy(principal, n.address(), tls)) return false;
        if (free(port)) return true; // it ended meanwhile
      }
      throw SmpcException.failure("%s (pid %d, started by this cluster's `cluster up`) holds port %d but has not answered for %d s;"
          + " wait and run `smpc cluster up` again, or run `smpc cluster down`", n.name(), n.pid(), port, SLOW_SECONDS);
    }
    throw SmpcException.failure("port %d for %s is in use on this machine by another process; choose another --base-port"
        + " (or stop what listens there)", port, n.name());
  }

  /** Whether a server could bind {@code port} where `cluster up` starts them (127.0.0.1, their --bind default). */
  static boolean free(int port) {
    try (java.net.ServerSocket s = new java.net.ServerSocket()) {
      s.setReuseAddress(true); // as the servers bind: a closed connection's TIME_WAIT does not count
      s.bind(new java.net.InetSocketAddress("127.0.0.1", port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * The last line of a server's log from {@code start} on (this start's) that says why it stopped ("party-node:
   * error: ..."), as ": ..."; or "".
   */
  static String lastError(Path log, long start) {
    try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(log.toFile(), "r")) {
      long length = f.length();
      if (length <= start) return ""; // nothing written since, or the log was cut meanwhile
      long from = Math.max(start, length - 4096); // the end is enough: a start error is the log's last line
      byte[] tail = new byte[(int) (length - from)];
      f.seek(from);
      f.readFully(tail);
      List<String> lines = new String(tail, java.nio.charset.StandardCharsets.UTF_8).lines().toList();
      for (int i = lines.size() - 1; i >= 0; i--) {
        String reason = smpc.net.Startup.reason(lines.get(i));
        if (reason != null) return ": " + reason;
      }
    } catch (IOException e) {
      return "";
    }
    return "";
  }

  /** Whether {@code name} answers at {@code address} (pinned: another principal there counts as not up). */
  static boolean healthy(String name, String address, smpc.net.Tls tls) {
    ManagedChannel ch = Grpc.channel(address, tls == null ? null : tls.pinned(name));
    try {
      return Grpc.healthy(ch, 1000);
    } finally {
      ch.shutdownNow();
    }
  }

  /**
   * Stops the processes this CLI started (those with a PID in the config); returns their names. All are asked to
   * stop at once, then awaited: each takes about 2 s to close its server and store, 9 s one after another.
   */
  public static List<String> down(ClusterConfig config) {
    List<Node> all = new ArrayList<>(config.parties());
    all.add(config.dealer());
    List<String> stopped = new ArrayList<>();
    List<ProcessHandle> asked = new ArrayList<>();
    for (Node n : all) {
      ProcessHandle h = n.pid() == null ? null : ask(n.pid());
      if (h == null) continue;
      asked.add(h);
      stopped.add(n.name());
    }
    for (ProcessHandle h : asked) awaitExit(h);
    return stopped;
  }

  /** Deletes a directory tree this CLI made for a temporary cluster (logs, data, jar copies). */
  static void deleteTree(Path dir) {
    try (var walk = Files.walk(dir)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // best effort: it is a temporary directory
    }
  }

  /** Names of the config's processes that still run. */
  static List<String> stillRunning(ClusterConfig config) {
    List<Node> all = new ArrayList<>(config.parties());
    all.add(config.dealer());
    return all.stream().filter(n -> n.pid() != null && ProcessHandle.of(n.pid()).map(ProcessHandle::isAlive).orElse(false))
        .map(Node::name).toList();
  }

  /**
   * Stops one of our processes: SIGTERM, then SIGKILL after 5 s (60 s while the build writes class-data archives).
   * Only a java process running our jars is touched.
   */
  static boolean stop(long pid) {
    ProcessHandle h = ask(pid);
    if (h != null) awaitExit(h);
    return h != null;
  }

  /** SIGTERM to {@code pid} if it is one of ours: its handle, else null. */
  private static ProcessHandle ask(long pid) {
    ProcessHandle h = ProcessHandle.of(pid).orElse(null);
    if (h == null || !ours(pid)) return null;
    h.destroy();
    return h;
  }

  private static void awaitExit(ProcessHandle h) {
    try {
      h.onExit().get(ClassDataArchives.exitSeconds(), java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception e) {
      h.destroyForcibly();
    }
  }

  /** Whether a PID (say from a cluster file) is alive and, as far as we can see, runs our party or dealer jar, not a reused PID. */
  static boolean ours(long pid) {
    Optional<ProcessHandle> h = ProcessHandle.of(pid);
    if (h.isEmpty() || !h.get().isAlive()) return false;
    String cmd = h.get().info().commandLine().orElse("");
    return cmd.isEmpty() || cmd.contains("party-node") || cmd.contains("dealer-service");
  }

  private static String port(String address) {
    return address.substring(address.lastIndexOf(':') + 1);
  }
}
