package smpc.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import smpc.core.expr.Compiler;
import smpc.core.expr.Parser;
import smpc.core.ring.FixedPoint;
import smpc.core.ring.Packing;
import smpc.proto.DType;
import smpc.proto.Kind;
import smpc.proto.ValueInfo;

/** Statistics, histograms and private matching through the plan runner, against plain computation. */
class StatisticsTest {
  static final int F = LocalProtocol.FRAC_BITS;

  /** Inputs x0, x1, ... owned by parties 0, 1, ...: long[] (integers) or double[] (reals). */
  static double[] eval(String expr, int parties, Object... inputs) {
    List<String> names = ProtocolTest.parties(parties);
    Map<String, ProtocolTest.Input> in = new HashMap<>();
    Map<String, ValueInfo> infos = new HashMap<>();
    for (int k = 0; k < inputs.length; k++) {
      boolean real = inputs[k] instanceof double[];
      long[] enc = real ? Arrays.stream((double[]) inputs[k]).mapToLong(d -> Math.round(Math.scalb(d, F))).toArray()
          : (long[]) inputs[k];
      in.put("x" + k, new ProtocolTest.Input(k % parties, enc));
      infos.put("x" + k, ValueInfo.newBuilder().setName("x" + k).setKind(Kind.PRIVATE).setDtype(real ? DType.REAL : DType.INT)
          .setFracBits(real ? F : 0).setOwner(names.get(k % parties)).setLength(enc.length).build());
    }
    Compiler.Compiled c = Compiler.compile(List.of(Compiler.Output.reveal(Parser.parse(expr), names.get(0))), names,
        infos::get, F);
    var r = LocalProtocol.run(c.plan(), names, ProtocolTest.stores(names, in), null).get(0).revealed().get(0);
    long[] raw = Packing.fromByteString(r.getData());
    double[] out = new double[raw.length];
    for (int i = 0; i < out.length; i++) out[i] = FixedPoint.decode(raw[i], r.getScale()).doubleValue();
    return out;
  }

  static double mean(double[]... vs) {
    return Arrays.stream(vs).flatMapToDouble(Arrays::stream).average().orElseThrow();
  }

  static double variance(double[]... vs) {
    double m = mean(vs);
    return Arrays.stream(vs).flatMapToDouble(Arrays::stream).map(x -> (x - m) * (x - m)).average().orElseThrow();
  }

  static double[] d(long[] v) {
    return Arrays.stream(v).asDoubleStream().toArray();
  }

  @Test
  void meanVarianceAndStdevOfSalariesHeldByThreeParties() {
    Random rnd = new Random(1);
    for (int parties : new int[] {2, 3}) {
      long[] a = rnd.longs(300, 20_000, 250_000).toArray(), b = rnd.longs(200, 20_000, 250_000).toArray(),
          c = rnd.longs(100, 20_000, 250_000).toArray();
      double m = mean(d(a), d(b), d(c)), var = variance(d(a), d(b), d(c));
      assertThat(eval("mean(x0, x1, x2)", parties, a, b, c)[0]).isCloseTo(m, offset(5e-4)); // public division keeps ~30 bits
      assertThat(eval("count(x0, x1, x2)", parties, a, b, c)[0]).isEqualTo(600);
      assertThat(eval("sum(x0, x1, x2)", parties, a, b, c)[0]).isEqualTo(m * 600, offset(0.5));
      // the variance of salaries in dollars (4e9) is beyond the range 2^30: in thousands it is not
      double[] ka = Arrays.stream(a).mapToDouble(x -> x / 1000.0).toArray(), kb = Arrays.stream(b).mapToDouble(x -> x / 1000.0).toArray(),
          kc = Arrays.stream(c).mapToDouble(x -> x / 1000.0).toArray();
      assertThat(eval("stdev(x0, x1, x2)", parties, ka, kb, kc)[0]).isCloseTo(Math.sqrt(var) / 1000, offset(1e-3 * Math.sqrt(var) / 1000));
      assertThat(eval("variance(x0, x1, x2)", parties, ka, kb, kc)[0]).isCloseTo(var / 1e6, offset(1e-3 * var / 1e6));
    }
  }

  @Test
  void largeDeviationsAreSummedAtReducedPrecision() {
    Random rnd = new Random(5);
    long[] a = rnd.longs(400, 0, 100_000).toArray(), b = new long[400];
    for (int i = 0; i < b.length; i++) b[i] = 100_000 - a[i] + rnd.nextLong(0, 20_000);
    double var = variance(d(a)); // 8e8: in range, but the sum of squares (3e11) is not
    assertThat(eval("variance(x0)", 3, a)[0]).isCloseTo(var, offset(1e-3 * var));
    assertThat(eval("stdev(x0)", 2, a)[0]).isCloseTo(Math.sqrt(var), offset(1e-3 * Math.sqrt(var)));
    double ma = mean(d(a)), mb = mean(d(b)), cov = 0;
    for (int i = 0; i < a.length; i++) cov += (a[i] - ma) * (b[i] - mb) / a.length;
    assertThat(eval("corr(x0, x1)", 3, a, b)[0]).isCloseTo(cov / Math.sqrt(var * variance(d(b))), offset(1e-3));
  }

  @Test
  void varianceOfSmallRealsUsesFullPrecision() {
    Random rnd = new Random(2);
    double[] x = rnd.doubles(500, 0.2, 0.3).map(v -> Math.scalb(Math.rint(Math.scalb(v, F)), -F)).toArray();
    double var = variance(x);
    assertThat(eval("variance(x0)", 3, x)[0]).isCloseTo(var, offset(2e-5));
    assertThat(eval("mean(x0)", 3, x)[0]).isCloseTo(mean(x), offset(3e-5));
    double[] y = Arrays.stream(x).map(v -> Math.scalb(Math.rint(Math.scalb(3 * v + 0.01 * Math.sin(v * 99), F)), -F)).toArray();
    double my = mean(y), mx = mean(x), cov = 0;
    for (int i = 0; i < x.length; i++) cov += (x[i] - mx) * (y[i] - my) / x.length;
    double corr = cov / Math.sqrt(var * variance(y));
    assertThat(eval("corr(x0, x1)", 3, x, y)[0]).isCloseTo(corr, offset(1e-3));
    assertThat(eval("stdev(x0)", 3, x)[0]).isCloseTo(Math.sqrt(var), offset(1e-3 * Math.sqrt(var)));
  }

  @Test
  void medianOfOddAndEvenCountsWithTies() {
    Random rnd = new Random(3);
    for (int n : new int[] {1, 2, 7, 40, 41}) {
      long[] a = rnd.longs(n, -5, 6).toArray(), b = rnd.longs(n / 2 + 1, -5, 6).toArray();
      double[] all = d(concat(a, b));
      Arrays.sort(all);
      int m = all.length;
      double want = m % 2 == 1 ? all[m / 2] : (all[m / 2 - 1] + all[m / 2]) / 2;
      assertThat(eval("median(x0, x1)", 3, a, b)[0]).as("n=%d", m).isEqualTo(want);
    }
    double[] r = {2.5, -1.25, 7, 0.5};
    assertThat(eval("median(x0)", 2, (Object) r)[0]).isEqualTo(1.5);
  }

  @Test
  void histogramWithPublicEdgesCountsLikeNumpy() {
    long[] v = {0, 5, 10, 15, 20, 25, 30, -1, 31, 10, 20};
    // bins [0,10) [10,20) [20,30]: numpy.histogram(v, [0, 10, 20, 30]) = [2, 3, 4]
    assertThat(eval("histogram(x0, 0, 10, 20, 30)", 3, v)).containsExactly(2, 3, 4);
    double[] r = {0.1, 0.25, 0.5, 0.75, 0.99, 1.0, -0.3};
    assertThat(eval("histogram(x0, 0, 0.5, 1)", 2, (Object) r)).containsExactly(2, 4);
    assertThatThrownBy(() -> eval("histogram(x0, 3, 1)", 2, v)).hasMessageContaining("bin edges must increase");
  }

  @Test
  void isinFindsWhichOfAlicesEntriesOccurInBobs() {
    long[] alice = {5, 17, 3, 99, 17, -4}, bob = {17, 17, 8, -4, 1000};
    assertThat(eval("isin(x0, x1)", 3, alice, bob)).containsExactly(0, 1, 0, 0, 1, 1);
    assertThat(eval("x0 == 17", 2, alice)).containsExactly(0, 1, 0, 0, 1, 0);
    assertThatThrownBy(() -> eval("isin(x0, x1)", 2, new long[3000], new long[3000])).hasMessageContaining("at most 4000000 pairs");
  }

  static long[] concat(long[] a, long[] b) {
    long[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
