package smpc.core.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import smpc.core.expr.Compiler;
import smpc.core.expr.Expr;
import smpc.core.protocol.LocalProtocol;
import smpc.core.protocol.PlanRunner;
import smpc.core.protocol.StoredValue;
import smpc.core.testing.Seeded;
import smpc.proto.DType;
import smpc.proto.Kind;
import smpc.proto.ValueInfo;

/**
 * Vertically split training as people run it: the first columns at alice, the others at bob (each a
 * matrix), the labels at carol, rows in file order; the secure training (matrix products with dealer matrix
 * triples, in-memory parties) against the same schedule in double precision on the same fixed-point inputs.
 */
class VerticalLogisticRegressionTest {
  static final int F = LocalProtocol.FRAC_BITS;
  static final Path DATA = Path.of("..", "examples", "breast-cancer");

  /** Iris-like measurements (four features of 0.1 to 8 cm, two classes): every weight within 1e-3, the same accuracy. */
  @Seeded(2)
  void irisLikeFeaturesAtTwoPartiesTrainWithinOneThousandthPerWeight(long seed) {
    Random rnd = new Random(seed);
    int n = 150;
    double[] mean = {5.8, 3.0, 3.7, 1.2}, sd = {0.8, 0.4, 1.7, 0.76}, effect = {0.9, -0.3, 1.3, 0.9};
    double[][] x = new double[n][4];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      y[i] = rnd.nextDouble() < 0.5 ? 1 : 0;
      for (int j = 0; j < 4; j++) x[i][j] = LogisticRegressionTest.q(Math.max(0.1, mean[j] + sd[j] * (effect[j] * (2 * y[i] - 1) + rnd.nextGaussian())));
    }
    check(x, y, 2, new LogisticRegression.Schedule(5, 16, 0.5), 1e-3, 0);
  }

  /**
   * The breast cancer data, 15 features at each party. Some of its columns vary by a few hundred units of
   * 2^-16 only (fractal dimension errors of ~0.003), so the column means and deviations, rounded to f = 16
   * bits, differ from the exact ones by up to 0.5% of a deviation, and the weights by up to ~2e-3.
   */
  @Test
  void breastCancerFeaturesAtTwoPartiesTrainLikePlainFloatingPoint() throws Exception {
    double[][] x = table("train_features.csv");
    for (double[] row : x) for (int j = 0; j < row.length; j++) row[j] = LogisticRegressionTest.q(row[j]);
    double[] y = Arrays.stream(table("train_labels.csv")).mapToDouble(r -> r[0]).toArray();
    check(x, y, 15, new LogisticRegression.Schedule(3, 32, 0.5), 5e-3, 1);
  }

  /**
   * One epoch on the breast cancer data (456 x 30, batches of 32, 3 parties) with matrix triples that share
   * one mask on the features, against the same epoch with elementwise Beaver products (matvec, vecmat:
   * 2·nb·d elements opened per product). With the shared mask the features X are opened once (n·d elements)
   * and each product opens only its right factor (d weights, nb errors); so per batch each party sends each
   * peer 2·(2·nb·d) − d − nb elements less for the two products (n·d more once, for X), and nb·d − d less
   * for truncations: matvec truncated the weights (at 2f after an update) once per row, a matrix product
   * truncates each weight once. The first batch's weights are public zeros: z is local in both, and only
   * the gradient's 2·nb·d − nb elements are saved.
   */
  @Test
  void anEpochWithMatrixTriplesSendsTheFormulasBytesLess() throws Exception {
    double[][] x = table("train_features.csv");
    double[] y = Arrays.stream(table("train_labels.csv")).mapToDouble(r -> r[0]).toArray();
    int n = x.length, d = 30, p = 3;
    LogisticRegression.Schedule s = new LogisticRegression.Schedule(1, 32, 0.5);
    List<Compiler.Output> matrices = LogisticRegression.epoch(LogisticRegression.zeros(d), "xs", "y", n, d, s, "m").stream()
        .filter(o -> !LogisticRegression.loss("m").equals(o.letAs())).toList(); // the products only: the elementwise epoch has no loss
    List<Compiler.Output> elementwise = elementwiseEpoch(n, d, s);
    long[] after = epochBytes(x, y, matrices), before = epochBytes(x, y, elementwise);
    long saved = -8L * (p - 1) * n * d;
    for (int start = 0; start < n; start += s.batchSize()) {
      int nb = Math.min(s.batchSize(), n - start);
      saved += 8L * (p - 1) * (start == 0 ? 2L * nb * d - nb : 4L * nb * d - nb - d + ((long) nb * d - d));
    }
    System.out.printf("bytes sent per party in one epoch: %d with elementwise Beaver, %d with matrix triples (%.2fx fewer)%n",
        before[0], after[0], (double) before[0] / after[0]);
    for (int i = 0; i < p; i++) assertThat(before[i] - after[i]).as("party %d", i).isEqualTo(saved);
  }

  /** The epoch as it was before matrix triples: z = matvec(X_b, w) + b, gradient vecmat(p - y, X_b). */
  private static List<Compiler.Output> elementwiseEpoch(int n, int d, LogisticRegression.Schedule s) {
    List<Compiler.Output> steps = new ArrayList<>();
    Expr w = call("slice", LogisticRegression.zeros(d), new Expr.Num(0), new Expr.Num(d));
    Expr b = call("slice", LogisticRegression.zeros(d), new Expr.Num(d), new Expr.Num(1));
    for (int start = 0, step = 0; start < n; start += s.batchSize(), step++) {
      int nb = Math.min(s.batchSize(), n - start);
      Expr xb = call("slice", new Expr.Ref("xs"), new Expr.Num((long) start * d), new Expr.Num((long) nb * d));
      Expr yb = call("slice", new Expr.Ref("y"), new Expr.Num(start), new Expr.Num(nb));
      Expr e = Expr.sub(call("sigmoid", Expr.add(call("matvec", xb, w), b)), yb);
      Expr rate = new Expr.Dec(java.math.BigDecimal.valueOf(s.learningRate()).divide(java.math.BigDecimal.valueOf(nb), java.math.MathContext.DECIMAL64));
      steps.add(Compiler.Output.let("w" + step, Expr.sub(w, Expr.mul(rate, call("vecmat", e, xb)))));
      steps.add(Compiler.Output.let("b" + step, Expr.sub(b, Expr.mul(rate, call("sum", e)))));
      w = new Expr.Ref("w" + step);
      b = new Expr.Ref("b" + step);
    }
    steps.add(Compiler.Output.let("m", call("concat", w, b)));
    return steps;
  }

  private static Expr call(String fn, Expr... args) {
    return new Expr.Call(fn, List.of(args));
  }

  /** Bytes each of alice (standardised features), bob and carol (labels) sends in one epoch session that reveals the model to carol. */
  private static long[] epochBytes(double[][] x, double[] y, List<Compiler.Output> epoch) {
    List<String> parties = List.of("alice", "bob", "carol");
    Map<String, ValueInfo> info = new HashMap<>();
    Map<String, long[]> data = new HashMap<>();
    put(info, data, "xs", "alice", DType.REAL, 0, encode(x, 0, x[0].length));
    put(info, data, "y", "carol", DType.INT, 0, Arrays.stream(y).mapToLong(v -> (long) v).toArray());
    List<Compiler.Output> outs = new ArrayList<>(epoch);
    outs.add(Compiler.Output.reveal(new Expr.Ref("m"), "carol"));
    Compiler.Compiled c = Compiler.compile(outs, parties, info::get, F);
    List<Function<String, StoredValue>> stores = new ArrayList<>();
    for (String p : parties) {
      stores.add(name -> info.containsKey(name) && info.get(name).getOwner().equals(p) ? new StoredValue(info.get(name), data.get(name)) : null);
    }
    return LocalProtocol.run(c.plan(), parties, stores, null).stream().mapToLong(o -> o.stats().getBytesSent()).toArray();
  }

  static double[][] table(String file) throws Exception {
    return Files.readAllLines(DATA.resolve(file)).stream().skip(1).filter(l -> !l.isBlank())
        .map(l -> Arrays.stream(l.split(",")).mapToDouble(Double::parseDouble).toArray()).toArray(double[][]::new);
  }

  /** Columns [0, split) at alice, the rest at bob, labels at carol: weights within {@code tolerance}, correct rows within {@code rows}. */
  private static void check(double[][] x, double[] y, int split, LogisticRegression.Schedule s, double tolerance, int rows) {
    int n = x.length, d = x[0].length;
    PlainLogisticRegression plain = new PlainLogisticRegression(x, y, s);
    List<String> parties = List.of("alice", "bob", "carol");
    Map<String, ValueInfo> info = new HashMap<>();
    Map<String, long[]> data = new HashMap<>();
    put(info, data, "xa", "alice", DType.REAL, split, encode(x, 0, split));
    put(info, data, "xb", "bob", DType.REAL, d - split, encode(x, split, d));
    put(info, data, "y", "carol", DType.INT, 0, Arrays.stream(y).mapToLong(v -> (long) v).toArray());
    List<Compiler.Output> outs = new ArrayList<>();
    outs.add(Compiler.Output.let("x", new Expr.Call("hstack", List.of(new Expr.Ref("xa"), new Expr.Ref("xb")))));
    outs.add(Compiler.Output.let("stats", LogisticRegression.stats("x", d)));
    outs.add(Compiler.Output.let("xs", LogisticRegression.standardized(new Expr.Ref("x"), new Expr.Ref("stats"), d)));
    Expr model = LogisticRegression.zeros(d);
    for (int e = 0; e < s.epochs(); e++) {
      outs.addAll(LogisticRegression.epoch(model, "xs", "y", n, d, s, "m" + e));
      model = new Expr.Ref("m" + e);
    }
    outs.add(Compiler.Output.reveal(model, "carol"));
    outs.add(Compiler.Output.reveal(LogisticRegression.correct(model, "xs", "y", n, d), "carol"));
    for (int e = 0; e < s.epochs(); e++) outs.add(Compiler.Output.reveal(new Expr.Ref(LogisticRegression.loss("m" + e)), "carol"));
    Compiler.Compiled c = Compiler.compile(outs, parties, info::get, F);
    List<Function<String, StoredValue>> stores = new ArrayList<>();
    for (String p : parties) {
      stores.add(name -> info.containsKey(name) && info.get(name).getOwner().equals(p) ? new StoredValue(info.get(name), data.get(name)) : null);
    }
    List<PlanRunner.Outcome> out = LocalProtocol.run(c.plan(), parties, stores, null);
    for (int e = 0; e < s.epochs(); e++) { // each epoch's training loss, as plain SGD's (softplus within 3.4e-4, the weights within tolerance)
      assertThat(LogisticRegressionTest.decode(out.get(2).revealed().get(2 + e))[0]).as("loss of epoch %d", e + 1)
          .isCloseTo(plain.losses[e], offset(Math.max(2e-3, 2 * tolerance)));
    }
    double[] wb = LogisticRegressionTest.decode(out.get(2).revealed().get(0));
    double worst = Math.abs(wb[d] - plain.b);
    for (int j = 0; j < d; j++) worst = Math.max(worst, Math.abs(wb[j] - plain.w[j]));
    System.out.printf("largest difference from plain SGD over %d weights and the intercept: %.2e%n", d, worst);
    for (int j = 0; j < d; j++) assertThat(wb[j]).as("w%d", j + 1).isCloseTo(plain.w[j], offset(tolerance));
    assertThat(wb[d]).as("intercept").isCloseTo(plain.b, offset(tolerance));
    int plainCorrect = 0;
    for (int i = 0; i < n; i++) plainCorrect += (plain.predict(x[i]) >= 0.5 ? 1 : 0) == y[i] ? 1 : 0;
    assertThat(LogisticRegressionTest.decode(out.get(2).revealed().get(1))[0]).as("correct training rows").isCloseTo(plainCorrect, offset((double) rows));
  }

  private static void put(Map<String, ValueInfo> info, Map<String, long[]> data, String name, String owner, DType type, int cols, long[] v) {
    info.put(name, ValueInfo.newBuilder().setName(name).setKind(Kind.PRIVATE).setDtype(type).setFracBits(type == DType.REAL ? F : 0)
        .setOwner(owner).setLength(v.length).setCols(cols).build());
    data.put(name, v);
  }

  /** Columns [from, to) of x, row by row, in fixed point. */
  private static long[] encode(double[][] x, int from, int to) {
    long[] out = new long[x.length * (to - from)];
    for (int i = 0; i < x.length; i++) for (int j = from; j < to; j++) out[i * (to - from) + j - from] = Math.round(Math.scalb(x[i][j], F));
    return out;
  }
}
