package smpc.core.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import smpc.core.expr.Compiler;
import smpc.core.expr.Expr;
import smpc.core.protocol.LocalProtocol;
import smpc.core.protocol.PlanRunner;
import smpc.core.protocol.StoredValue;
import smpc.core.ring.FixedPoint;
import smpc.core.ring.Packing;
import smpc.proto.DType;
import smpc.proto.Kind;
import smpc.proto.ValueInfo;

/** Secure training (in-memory parties) against the same training in double precision. */
class LogisticRegressionTest {
  static final int F = LocalProtocol.FRAC_BITS;

  @Test
  void secureTrainingMatchesPlainTrainingOnSeparableData() {
    Random rnd = new Random(9);
    int n = 70, d = 4;
    double[][] x = new double[n][d];
    double[] y = new double[n];
    double[] truth = {1.5, -2, 0.5, 0};
    double[] scale = {0.01, 1, 300, 5};
    for (int i = 0; i < n; i++) {
      double t = 0.3;
      for (int j = 0; j < d; j++) {
        double u = rnd.nextGaussian();
        x[i][j] = q(scale[j] * (2 + u));
        t += truth[j] * u;
      }
      y[i] = t + 0.5 * rnd.nextGaussian() > 0 ? 1 : 0;
    }
    LogisticRegression.Schedule s = new LogisticRegression.Schedule(3, 16, 0.5);
    PlainLogisticRegression plain = new PlainLogisticRegression(x, y, s);

    List<String> parties = List.of("alice", "bob", "carol");
    long[] xe = Arrays.stream(x).flatMapToDouble(Arrays::stream).mapToLong(v -> Math.round(Math.scalb(v, F))).toArray();
    long[] ye = Arrays.stream(y).mapToLong(v -> (long) v).toArray();
    Map<String, ValueInfo> info = new HashMap<>();
    info.put("x", ValueInfo.newBuilder().setName("x").setKind(Kind.PRIVATE).setDtype(DType.REAL).setFracBits(F).setOwner("alice")
        .setLength(xe.length).build());
    info.put("y", ValueInfo.newBuilder().setName("y").setKind(Kind.PRIVATE).setDtype(DType.INT).setOwner("bob").setLength(n).build());
    List<Compiler.Output> outs = new ArrayList<>();
    outs.add(Compiler.Output.let("stats", LogisticRegression.stats("x", d)));
    outs.add(Compiler.Output.let("xs", LogisticRegression.standardized(new Expr.Ref("x"), new Expr.Ref("stats"), d)));
    Expr model = LogisticRegression.zeros(d);
    for (int e = 0; e < s.epochs(); e++) {
      outs.addAll(LogisticRegression.epoch(model, "xs", "y", n, d, s, "m" + e));
      model = new Expr.Ref("m" + e);
    }
    outs.add(Compiler.Output.reveal(model, "carol"));
    outs.add(Compiler.Output.reveal(LogisticRegression.correct(model, "xs", "y", n, d), "carol"));
    Compiler.Compiled c = Compiler.compile(outs, parties, info::get, F);
    List<java.util.function.Function<String, StoredValue>> stores = List.of(
        name -> name.equals("x") ? new StoredValue(info.get("x"), xe) : null,
        name -> name.equals("y") ? new StoredValue(info.get("y"), ye) : null,
        name -> null);
    List<PlanRunner.Outcome> out = LocalProtocol.run(c.plan(), parties, stores, null);
    var revealed = out.get(2).revealed();
    double[] wb = decode(revealed.get(0));
    for (int j = 0; j < d; j++) assertThat(wb[j]).as("w%d", j).isCloseTo(plain.w[j], offset(0.05));
    assertThat(wb[d]).as("b").isCloseTo(plain.b, offset(0.05));
    int plainCorrect = 0;
    for (int i = 0; i < n; i++) plainCorrect += (plain.predict(x[i]) >= 0.5 ? 1 : 0) == y[i] ? 1 : 0;
    assertThat(decode(revealed.get(1))[0]).isCloseTo(plainCorrect, offset(2.0));
  }

  static double q(double v) {
    return Math.scalb(Math.rint(Math.scalb(v, F)), -F);
  }

  static double[] decode(smpc.proto.Revealed r) {
    long[] raw = Packing.fromByteString(r.getData());
    return Arrays.stream(raw).mapToDouble(v -> FixedPoint.decode(v, r.getScale()).doubleValue()).toArray();
  }
}
