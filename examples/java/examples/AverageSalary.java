package examples;

import java.io.PrintStream;
import smpc.sdk.Cluster;
import smpc.sdk.ClusterConfig;
import smpc.sdk.PrivateVector;
import smpc.sdk.SharedVector;

/** alice, bob and carol each hold their group's salaries; together they learn statistics of all, and nothing else. */
public final class AverageSalary {
  public static void run(Cluster cluster, PrintStream out) {
    SharedVector a = new PrivateVector(new long[] {52000, 61000, 58500}, cluster.vm("alice")).share(cluster.vm("bob"), cluster.vm("carol"));
    SharedVector b = new PrivateVector(new long[] {49000, 75000}, cluster.vm("bob")).share(cluster.vm("alice"), cluster.vm("carol"));
    SharedVector c = new PrivateVector(new long[] {66000, 70500, 55000, 61000}, cluster.vm("carol"))
        .share(cluster.vm("alice"), cluster.vm("bob"));
    SharedVector all = a.concat(b, c);
    out.printf("mean %.2f%n", all.mean().reconstruct(cluster.vm("alice")).doubleValue());
    out.printf("median %d%n", all.median().reconstruct(cluster.vm("alice")).value());
    long[] bins = all.histogram(40000, 60000, 80000).reconstruct(cluster.vm("alice")).values();
    out.printf("histogram [40000, 60000): %d, [60000, 80000]: %d%n", bins[0], bins[1]);
    SharedVector thousands = all.div(1000.0); // the variance of dollars is beyond the fixed-point range; of thousands it is not
    out.printf("stdev %.2f thousand%n", thousands.stdev().reconstruct(cluster.vm("alice")).doubleValue());
  }

  public static void main(String[] args) {
    try (Cluster c = args.length > 0 ? Cluster.connect(ClusterConfig.load(java.nio.file.Path.of(args[0]))) : Cluster.connect()) {
      run(c, System.out);
    }
  }
}
