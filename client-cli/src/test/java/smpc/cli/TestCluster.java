package smpc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import smpc.sdk.Cluster;
import smpc.sdk.ClusterConfig;

/**
 * A real cluster for a test: started with `smpc cluster up` (dealer and party processes on loopback,
 * on free ports) and stopped with `smpc cluster down` when closed, also when the test failed.
 */
final class TestCluster implements AutoCloseable {
  record Result(int code, String out, String err) {}

  final Path dir;
  final Path file;
  final List<String> parties;

  private TestCluster(Path dir, List<String> parties) {
    this.dir = dir;
    this.file = dir.resolve("cluster.json");
    this.parties = parties;
  }

  /** Mutual TLS everywhere (the default of `cluster up`): certificates in dir/certs, the CLI presenting each action's client. */
  static TestCluster start(String... parties) throws IOException {
    return start(true, parties);
  }

  /** {@code tls} false: a plaintext (--insecure) cluster. */
  static TestCluster start(boolean tls, String... parties) throws IOException {
    TestCluster c = new TestCluster(Files.createTempDirectory("smpc-it"), List.of(parties));
    Result r = null;
    // a port found free may be taken before a server binds it (CI once saw the dealer fail so); cluster up then
    // starts nothing or stops what it started, and another run of ports is tried
    for (int attempt = 0; attempt < 3 && (r == null || r.code() != 0 && r.err().contains("in use")); attempt++) {
      List<String> args = new ArrayList<>(List.of("cluster", "up", "--parties", String.join(",", parties), "--base-port",
          Integer.toString(freeBasePort(parties.length + 1))));
      if (!tls) args.add("--insecure");
      r = c.cli(args.toArray(String[]::new));
    }
    if (r.code() != 0) {
      c.close();
      throw new IllegalStateException("cluster up failed: " + r.err());
    }
    return c;
  }

  /**
   * A run of consecutive free loopback ports. Between this probe and a server's bind another process may take a
   * port, so each test JVM draws from its own range (failsafe's fork number, -Dsmpc.fork) and all of them stay
   * below Linux's ephemeral range (32768 up), where outgoing connections take their source ports.
   */
  static int freeBasePort(int n) throws IOException {
    int fork = Math.max(1, Integer.getInteger("smpc.fork", 1));
    int lo = 10_000 + ((fork - 1) % 4) * 5_500;
    for (int attempt = 0; attempt < 100; attempt++) {
      int base = ThreadLocalRandom.current().nextInt(lo, lo + 5_500 - n);
      if (allFree(base, n)) return base;
    }
    throw new IOException("no run of " + n + " free ports");
  }

  private static boolean allFree(int base, int n) {
    for (int p = base; p < base + n; p++) if (!LocalCluster.free(p)) return false;
    return true;
  }

  /** Runs the CLI in this JVM against this cluster, capturing its output. */
  Result cli(String... args) {
    return cli(new io.grpc.ClientInterceptor[0], args);
  }

  /** Runs the CLI in this JVM with its calls going through {@code interceptors}. */
  Result cli(io.grpc.ClientInterceptor[] interceptors, String... args) {
    StringWriter out = new StringWriter(), err = new StringWriter();
    List<String> all = new ArrayList<>(List.of(args));
    if (!all.contains("--cluster")) {
      all.add("--cluster");
      all.add(file.toString());
    }
    int code = Smpc.commandLine(interceptors).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(all.toArray(String[]::new));
    return new Result(code, out.toString(), err.toString());
  }

  /** Runs the CLI and asserts success. */
  String ok(String... args) {
    Result r = cli(args);
    if (r.code() != 0) printLogTails(); // the parties' side of the failure, before close() deletes their logs
    assertThat(r.code()).as("smpc %s failed: %s", String.join(" ", args), r.err()).isZero();
    return r.out();
  }

  /** The last lines of each process's log (no share or value is ever logged) to stderr, where CI shows them. */
  private void printLogTails() {
    try (java.util.stream.Stream<Path> logs = Files.list(dir.resolve("logs"))) {
      for (Path f : logs.sorted().toList()) {
        List<String> lines = Files.readAllLines(f);
        System.err.println("--- " + dir.relativize(f) + ", its last lines:");
        lines.subList(Math.max(0, lines.size() - 40), lines.size()).forEach(System.err::println);
      }
    } catch (IOException | java.io.UncheckedIOException e) {
      System.err.println("--- no logs to show: " + e);
    }
  }

  ClusterConfig config() {
    return ClusterConfig.load(file);
  }

  Cluster sdk() {
    return Cluster.connect(config());
  }

  long pid(String name) {
    return config().parties().stream().filter(n -> n.name().equals(name)).findFirst().orElseThrow().pid();
  }

  @Override
  public void close() throws IOException {
    if (Files.exists(file)) cli("cluster", "down");
    LocalCluster.deleteTree(dir);
  }
}
