package smpc.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import smpc.sdk.Cluster;
import smpc.sdk.ClusterConfig;
import smpc.sdk.PrivateScalar;
import smpc.sdk.SharedScalar;
import smpc.sdk.VirtualMachine;

@Command(name = "demo", mixinStandardHelpOptions = true, description = "TinySMPC's example, step by step: alice holds 25, bob holds 50; alice learns (a*b) - 5*(a+b).")
final class DemoCommand implements Callable<Integer> {
  @picocli.CommandLine.Mixin ClusterOptions options;

  @Spec CommandSpec spec;

  @picocli.CommandLine.Option(names = "--base-port", paramLabel = "PORT",
      description = "When no cluster answers, start the demo's own with its dealer at this port and the parties after it (default: 50050).")
  Integer basePort;

  /** Whether something accepts connections at the dealer's address. */
  private static boolean listening(ClusterConfig config) {
    String a = config.dealer().address();
    try (java.net.Socket s = new java.net.Socket()) {
      s.connect(new java.net.InetSocketAddress(a.substring(0, a.lastIndexOf(':')), Integer.parseInt(a.substring(a.lastIndexOf(':') + 1))), 1000);
      return true;
    } catch (java.io.IOException | RuntimeException e) {
      return false;
    }
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (basePort != null && (basePort < 1 || basePort + ClusterConfig.DEFAULT_PARTIES.size() > 65535)) {
      throw smpc.sdk.SmpcException.usage("base port %d out of range", basePort);
    }
    ClusterConfig config = options.config(false);
    ClusterConfig started = null;
    Path tmp = null;
    // a cluster that listens but is slow to answer (a loaded machine: TLS handshakes of cold JVMs) is given longer
    // before the demo decides to start its own on the same ports, which would then fail as "in use"
    if (!Cluster.isUp(config) && !(listening(config) && Cluster.isUp(config, Duration.ofSeconds(20)))) {
      out.println("No cluster answers; starting a local one (dealer, alice, bob, carol) ...");
      out.flush();
      tmp = Files.createTempDirectory("smpc-demo");
      ClusterConfig local = basePort == null ? ClusterConfig.defaults() : ClusterConfig.local(ClusterConfig.DEFAULT_PARTIES, basePort);
      started = LocalCluster.up(LocalCluster.withCertificates(local, tmp.resolve("certs")), tmp.resolve("logs"));
      config = started;
    }
    try (Cluster cluster = Cluster.connect(config, options.interceptors()).withTimeout(Duration.ofSeconds(options.timeoutSeconds()))) {
      if (cluster.parties().size() < 3) throw smpc.sdk.SmpcException.usage("the demo needs three parties");
      VirtualMachine alice = cluster.vm(cluster.parties().get(0));
      VirtualMachine bob = cluster.vm(cluster.parties().get(1));
      VirtualMachine carol = cluster.vm(cluster.parties().get(2));
      out.printf("Parties: %s, %s, %s (separate processes), dealer at %s%n%n", alice, bob, carol, config.dealer().address());

      PrivateScalar a = new PrivateScalar(25, alice);
      PrivateScalar b = new PrivateScalar(50, bob);
      out.println("1. Each party inputs its secret. It is stored only on its owner:");
      out.printf("   %s holds a = %s%n   %s holds b = %s%n%n", alice.name(), a, bob.name(), b);

      SharedScalar sa = a.share(bob, carol);
      SharedScalar sb = b.share(alice, carol);
      out.printf("2. a.share(%s, %s) and b.share(%s, %s): each value is split into three additive shares%n",
          bob.name(), carol.name(), alice.name(), carol.name());
      out.println("   (x = x_1 + x_2 + x_3 mod 2^64). Each party holds one uniformly random share of a and of b;");
      out.println("   no party alone learns anything about a or b.\n");

      SharedScalar sc = sa.mul(sb).sub(sa.add(sb).mul(5));
      out.println("3. sc = (sa * sb) - 5 * (sa + sb), computed on shares: additions are local; the product uses");
      out.println("   a Beaver triple from the dealer, and the parties open only masked values (x - a, y - b).\n");

      PrivateScalar c = sc.reconstruct(alice);
      out.printf("4. sc.reconstruct(%s): every party sends its share of the result to %s only.%n", alice.name(), alice.name());
      out.printf("   %s now holds:%n%s%n", alice.name(), c);
      out.println("\n   bob and carol hold only their shares; the coordinator never saw a share or an input.");
      out.flush();
      return c.value() == 875 ? 0 : 1;
    } finally {
      if (started != null) {
        LocalCluster.down(started);
        LocalCluster.deleteTree(tmp);
        out.println("Stopped the local cluster the demo started.");
        out.flush();
      }
    }
  }
}
