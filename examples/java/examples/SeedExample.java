package examples;

import java.io.PrintStream;
import smpc.sdk.Cluster;
import smpc.sdk.ClusterConfig;
import smpc.sdk.PrivateScalar;
import smpc.sdk.SharedScalar;
import smpc.sdk.VirtualMachine;

/** The seed's example: alice holds 25, bob holds 50; alice alone learns (a*b) - 5*(a+b) = 875. */
public final class SeedExample {
  public static void run(Cluster cluster, PrintStream out) {
    VirtualMachine alice = cluster.vm("alice"), bob = cluster.vm("bob"), charlie = cluster.vm("carol");
    PrivateScalar a = new PrivateScalar(25, alice);
    PrivateScalar b = new PrivateScalar(50, bob);
    SharedScalar sa = a.share(bob, charlie);
    SharedScalar sb = b.share(alice, charlie);
    SharedScalar sc = sa.mul(sb).sub(sa.add(sb).mul(5));
    out.println(sc.reconstruct(alice));
  }

  /** {@code java -cp client-cli/target/client-cli-*-all.jar examples/java/examples/SeedExample.java [CLUSTER.json]} */
  public static void main(String[] args) {
    try (Cluster c = args.length > 0 ? Cluster.connect(ClusterConfig.load(java.nio.file.Path.of(args[0]))) : Cluster.connect()) {
      run(c, System.out);
    }
  }
}
