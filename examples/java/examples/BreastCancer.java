package examples;

import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import smpc.core.expr.Expr;
import smpc.core.ml.LogisticRegression;
import smpc.sdk.Cluster;
import smpc.sdk.ClusterConfig;
import smpc.sdk.Logreg;

/**
 * Logistic regression on secret data: alice holds the tumours' measurements, bob the diagnoses. They
 * train on shares, keep the model shared, and alice scores the test rows (she alone sees the scores).
 */
public final class BreastCancer {
  public static void run(Cluster cluster, Path data, PrintStream out) throws IOException {
    double[][] x = read(data.resolve("train_features.csv")), xt = read(data.resolve("test_features.csv"));
    double[][] y = read(data.resolve("train_labels.csv")), yt = read(data.resolve("test_labels.csv"));
    int n = x.length, d = x[0].length;
    cluster.inputReal("alice", "bc_x", flat(x));
    cluster.input("bob", "bc_y", java.util.Arrays.stream(y).mapToLong(r -> (long) r[0]).toArray());
    cluster.inputReal("alice", "bc_test", flat(xt));
    try {
      Logreg.Result r = Logreg.train(cluster, new Expr.Ref("bc_x"), new Expr.Ref("bc_y"), n, d,
          new LogisticRegression.Schedule(10, 32, 0.5), "bc_model", null, "bob",
          (epoch, loss) -> out.printf("epoch %d loss %.4f%n", epoch, loss));
      out.printf("training accuracy %.2f%%%n", 100.0 * r.correct() / n);
      double[] p = Logreg.predict(cluster, "bc_model", "bc_test", d, "alice");
      int right = 0;
      for (int i = 0; i < p.length; i++) right += (p[i] >= 0.5 ? 1 : 0) == yt[i][0] ? 1 : 0;
      out.printf("test accuracy %.2f%%%n", 100.0 * right / p.length);
    } finally {
      for (String v : List.of("bc_x", "bc_y", "bc_test", "bc_model")) {
        if (cluster.catalog().contains(v)) cluster.delete(v);
      }
    }
  }

  static double[][] read(Path csv) throws IOException {
    return Files.readAllLines(csv).stream().skip(1).filter(l -> !l.isBlank())
        .map(l -> java.util.Arrays.stream(l.split(",")).mapToDouble(Double::parseDouble).toArray()).toArray(double[][]::new);
  }

  static BigDecimal[] flat(double[][] rows) {
    return java.util.Arrays.stream(rows).flatMapToDouble(java.util.Arrays::stream).mapToObj(BigDecimal::valueOf).toArray(BigDecimal[]::new);
  }

  /**
   * {@code java -cp client-cli/target/client-cli-*-all.jar examples/java/examples/BreastCancer.java [CLUSTER.json [DATA_DIR]]},
   * from the project root (DATA_DIR defaults to examples/breast-cancer there).
   */
  public static void main(String[] args) throws IOException {
    Path data = args.length > 1 ? Path.of(args[1]) : Path.of("examples", "breast-cancer");
    if (!Files.isRegularFile(data.resolve("train_features.csv"))) {
      System.err.printf("BreastCancer: no train_features.csv in %s: run this from the project root, or give the data directory"
          + " as the second argument (examples/breast-cancer in the project)%n", data.toAbsolutePath());
      System.exit(2);
    }
    try (Cluster c = args.length > 0 ? Cluster.connect(ClusterConfig.load(Path.of(args[0]))) : Cluster.connect()) {
      run(c, data, System.out);
    }
  }
}
