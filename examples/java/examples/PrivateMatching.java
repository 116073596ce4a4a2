package examples;

import java.io.PrintStream;
import java.util.Arrays;
import smpc.sdk.Cluster;
import smpc.sdk.ClusterConfig;
import smpc.sdk.PrivateScalar;
import smpc.sdk.PrivateVector;
import smpc.sdk.SharedVector;
import smpc.sdk.VirtualMachine;

/**
 * Private matching: which of alice's customer ids are also bob's customers (alice learns one 0/1 per id,
 * bob learns nothing), and whether two secret values are equal.
 */
public final class PrivateMatching {
  public static void run(Cluster cluster, PrintStream out) {
    VirtualMachine alice = cluster.vm("alice"), bob = cluster.vm("bob"), carol = cluster.vm("carol");
    SharedVector mine = new PrivateVector(new long[] {1017, 2203, 3391, 4410, 5002}, alice).share(bob, carol);
    SharedVector theirs = new PrivateVector(new long[] {9001, 3391, 1017, 7777}, bob).share(alice, carol);
    out.println("alice's ids also bob's: " + Arrays.toString(mine.isin(theirs).reconstruct(alice).values()));
    var x = new PrivateScalar(42, alice).share(bob, carol);
    var y = new PrivateScalar(42, bob).share(alice, carol);
    out.println("equal: " + x.eq(y).reconstruct(carol).value());
  }

  public static void main(String[] args) {
    try (Cluster c = args.length > 0 ? Cluster.connect(ClusterConfig.load(java.nio.file.Path.of(args[0]))) : Cluster.connect()) {
      run(c, System.out);
    }
  }
}
