package smpc.cli;

import io.grpc.ClientInterceptor;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import smpc.sdk.ChannelPool;
import smpc.sdk.Cluster;
import smpc.sdk.ClusterConfig;
import smpc.sdk.SmpcException;

/**
 * --cluster, --timeout and --as, for every command that talks to a cluster. A picocli mixin that every command and
 * the root include, so the options may stand before or after the subcommand's name; the setters file the
 * values in the root's instance (picocli's "global option" pattern), which is the one the commands read.
 */
final class ClusterOptions {
  static final String NAME = "cluster-options";

  @Spec(Spec.Target.MIXEE) private CommandSpec mixee;
  private Path clusterFile;
  private int timeoutSeconds = 60;
  private String as;
  ClientInterceptor[] interceptors = {}; // set on the root's instance by Smpc
  /** The channels the agent keeps for all its commands (null in a command's own JVM): a command finds its TLS connections made. */
  static volatile ChannelPool pool;
  /** The principals the commands' connections picked per action (on the root's instance), in order of first use. */
  final java.util.List<String> picked = new java.util.concurrent.CopyOnWriteArrayList<>();

  @Option(names = "--cluster", paramLabel = "FILE",
      description = "Cluster file (default: $SMPC_CLUSTER or ~/.smpc/cluster.json; without one, the default"
          + " endpoints 127.0.0.1:50050 (dealer) and 50051.. (alice, bob, carol)).")
  void setClusterFile(Path file) {
    root().clusterFile = file;
  }

  @Option(names = "--timeout", paramLabel = "SECONDS", description = "Deadline of each session and call (default: 60).")
  void setTimeout(int seconds) {
    root().timeoutSeconds = seconds;
  }

  @Option(names = "--as", paramLabel = "PARTY",
      description = "Act as this party's client only (default: the cluster file's \"as\"; else, with every client's"
          + " certificate at hand, the client of the party each action concerns).")
  void setAs(String party) {
    root().as = party;
  }

  private ClusterOptions root() {
    return (ClusterOptions) mixee.root().mixins().get(NAME).userObject();
  }

  Path clusterFile() {
    Path f = root().clusterFile;
    return f != null ? f : ClusterConfig.defaultFile();
  }

  /** Where `cluster down` keeps the file of the cluster it stopped. */
  static Path stopped(Path clusterFile) {
    return clusterFile.resolveSibling(clusterFile.getFileName() + ".down");
  }

  /**
   * The cluster file's cluster, else the default endpoints (the docker-compose stack's) with certificates
   * found as {@link ClusterConfig#defaults} says; never plaintext by accident: without a cluster file and
   * certificates, or after `cluster down`, an error (exit 1, as for an unreachable party) says that no cluster is up and how to start one.
   */
  ClusterConfig config() {
    return config(true);
  }

  /** As {@link #config()}; with {@code strict} false, the defaults instead of an error (demo and bench start their own). */
  ClusterConfig config(boolean strict) {
    Path file = clusterFile();
    ClusterConfig c;
    if (java.nio.file.Files.exists(file)) {
      c = ClusterConfig.load(file);
    } else {
      boolean down = strict && java.nio.file.Files.exists(stopped(file));
      String downNote = String.format("no cluster is up: `smpc cluster down` stopped the cluster of %s; `smpc cluster up` starts it"
          + " again (stored values kept)", file);
      // no cluster is a failure to reach one (exit 1), as an unreachable party is; a --cluster naming no file is a usage error
      if (root().clusterFile != null) throw down ? SmpcException.failure("%s", downNote) : SmpcException.usage("cluster file %s does not exist", file);
      c = ClusterConfig.defaults();
      // the default endpoints are the compose stack's, over TLS with the certificates found here: without them, no guessing
      if (strict && c.tls() == null && !"true".equals(System.getenv("SMPC_INSECURE"))) {
        throw SmpcException.failure("%s", down ? downNote : String.format("no cluster is up: no cluster file at %s and no certificates"
            + " in %s for the default endpoints; `smpc cluster up` starts a local cluster (for the docker-compose stack run from the"
            + " directory holding its certs/, or set SMPC_TLS_DIR; for a plaintext stack set SMPC_INSECURE=true)", file,
            Path.of("certs").toAbsolutePath()));
      }
    }
    return root().as != null ? c.withAs(root().as) : c;
  }

  /** Another running cluster's file (bench --against), read as this command's own: --as applies to it too. */
  ClusterConfig other(Path file) {
    if (!java.nio.file.Files.exists(file)) {
      if (java.nio.file.Files.exists(stopped(file))) {
        throw SmpcException.failure("no cluster is up: `smpc cluster down` stopped the cluster of %s; `smpc cluster up` starts it again", file);
      }
      throw SmpcException.usage("cluster file %s does not exist", file);
    }
    ClusterConfig c = ClusterConfig.load(file);
    return root().as != null ? c.withAs(root().as) : c;
  }

  ClientInterceptor[] interceptors() {
    return root().interceptors;
  }

  int timeoutSeconds() {
    return root().timeoutSeconds;
  }

  Cluster connect() {
    int t = timeoutSeconds();
    if (t < 1) throw SmpcException.usage("--timeout must be at least 1 second, got %d", t);
    java.util.List<String> picked = root().picked;
    ChannelPool kept = pool;
    return (kept != null ? Cluster.connect(config(), kept, root().interceptors) : Cluster.connect(config(), root().interceptors))
        .withTimeout(Duration.ofSeconds(t))
        .onPicked(p -> { if (!picked.contains(p)) picked.add(p); });
  }
}
