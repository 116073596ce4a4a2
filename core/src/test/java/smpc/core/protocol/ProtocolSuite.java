package smpc.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import smpc.core.expr.Compiler;
import smpc.core.expr.Parser;
import smpc.core.testing.Seeded;
import smpc.core.testing.Seeds;
import smpc.proto.DType;
import smpc.proto.Kind;
import smpc.proto.Plan;
import smpc.proto.ValueInfo;

/**
 * Every protocol, run by 2, 3 and 5 parties through a {@link Harness}: in memory, or as party nodes and a
 * dealer over in-process gRPC (party-node's suite). Sharing and revealing, additions and public products,
 * Beaver products, truncation, comparisons, normalisation (inside reciprocal, division, log and the roots),
 * the function library, statistics and matrices, and shares stored by one session and loaded by the next.
 * Integers must equal wrapping {@code long} arithmetic; reals must be within the bounds the README states
 * (truncation: below one unit of 2^-f; the functions: the accuracy table). Inputs are seeded random values
 * with the edge values mixed in.
 */
public abstract class ProtocolSuite extends ProtocolHarness {
  @Seeded(value = 1, parties = {2, 3, 5})
  void sharingAndRevealingGiveBackEveryValue(int n, long seed) {
    Random rnd = new Random(seed);
    long[] longer = Seeds.longs(rnd, 2, 40), one = {Seeds.anyLong(rnd)};
    List<Opened> got = reveal(n, n - 1, List.of("x0", "x1", "x2"), Seeds.EDGES, longer, one);
    assertThat(got.get(0).raw()).containsExactly(Seeds.EDGES);
    assertThat(got.get(1).raw()).containsExactly(longer);
    assertThat(got.get(2).raw()).containsExactly(one);
    assertThat(reveal(n, 0, List.of("x0"), Seeds.EDGES).get(0).raw()).as("revealed to its owner").containsExactly(Seeds.EDGES);
  }

  @Seeded(value = 1, parties = {2, 3, 5})
  void additionsPublicProductsAndBeaverProductsAreExactOnTheWholeRing(int n, long seed) {
    Random rnd = new Random(seed);
    int len = Seeds.length(rnd, 1, 40);
    long[] a = longs(rnd, len), b = longs(rnd, len), c = longs(rnd, len), d = {Seeds.anyLong(rnd)};
    exactly(n, List.of("x0 + x1 - x2", "x0 - 7 * x2 + x3 - 3", "-x1", "sum(x0)", "x0 * x1", "x0 * x1 * x2", "x3 * x0",
        "dot(x0, x1)", "sum(x0 * x1) - dot(x1, x0)", ProtocolTest.randomExpr(rnd, 4)), a, b, c, d);
  }

  /** {@link Seeds#anyLong}s, the ends of the ring among them. */
  static long[] longs(Random rnd, int len) {
    long[] v = new long[len];
    for (int i = 0; i < len; i++) v[i] = Seeds.anyLong(rnd);
    return v;
  }

  @Seeded(value = 1, parties = {2, 3, 5})
  void integerDivisionByAPublicIntegerIsFloorDivision(int n, long seed) {
    Random rnd = new Random(seed);
    long[] x = rnd.longs(30, -(1L << 30) + 1, 1L << 30).toArray();
    x[0] = 0;
    x[1] = -1;
    x[2] = 35;
    List<Opened> got = reveal(n, 0, List.of("x0 / 7", "x0 / (-3)"), x);
    for (int i = 0; i < x.length; i++) {
      assertThat(got.get(0).raw()[i]).as("%d / 7", x[i]).isEqualTo(Math.floorDiv(x[i], 7));
      assertThat(got.get(1).raw()[i]).as("%d / -3", x[i]).isEqualTo(Math.floorDiv(x[i], -3));
    }
  }

  /** One truncation of a*b errs by less than one unit; times c that is below |c| units (the rest is exact). */
  @Seeded(value = 1, parties = {2, 3, 5})
  void truncatedProductsOfRealsAreWithinOneUnitPerTruncation(int n, long seed) {
    Random rnd = new Random(seed);
    int len = 40;
    double[] a = new double[len], b = new double[len], c = new double[len];
    for (int i = 0; i < len; i++) {
      a[i] = (rnd.nextDouble() * 2 - 1) * Math.pow(10, rnd.nextInt(4));
      b[i] = (rnd.nextDouble() * 2 - 1) * Math.pow(10, rnd.nextInt(3));
      c[i] = (rnd.nextDouble() * 2 - 1) * 10;
    }
    a[0] = 0;
    b[1] = ULP;
    a[2] = -999.99;
    b[2] = 99.99;
    double[] got = reveal(n, n - 1, List.of("x0 * x1 * x2 - x2"), a, b, c).get(0).reals();
    for (int i = 0; i < len; i++) {
      double ab = enc(a[i]) * enc(b[i]), want = ab * enc(c[i]) - enc(c[i]);
      assertThat(got[i]).as("a=%s b=%s c=%s", a[i], b[i], c[i]).isCloseTo(want, offset(2 * ULP * Math.max(1, Math.abs(enc(c[i])))));
    }
  }

  static double enc(double x) {
    return FixedPointProtocolTest.enc(x);
  }

  @Seeded(value = 1, parties = {2, 3, 5})
  void everyComparisonIsExact(int n, long seed) {
    long[][] p = ComparisonProtocolTest.pairs(new Random(seed), 40);
    long[] x = Arrays.stream(p).mapToLong(v -> v[0]).toArray(), y = Arrays.stream(p).mapToLong(v -> v[1]).toArray();
    List<Opened> got = reveal(n, 0, List.of("(x0 < x1) + 2*(x0 <= x1) + 4*(x0 > x1) + 8*(x0 >= x1) + 16*(x0 == x1) + 32*(x0 != x1)",
        "sign(x2)"), x, y, Seeds.EDGES);
    for (int i = 0; i < x.length; i++) {
      long want = (x[i] < y[i] ? 1 : 0) + 2 * (x[i] <= y[i] ? 1 : 0) + 4 * (x[i] > y[i] ? 1 : 0) + 8 * (x[i] >= y[i] ? 1 : 0)
          + 16 * (x[i] == y[i] ? 1 : 0) + 32 * (x[i] != y[i] ? 1 : 0);
      assertThat(got.get(0).raw()[i]).as("x=%d y=%d", x[i], y[i]).isEqualTo(want);
    }
    for (int i = 0; i < Seeds.EDGES.length; i++) {
      assertThat(got.get(1).raw()[i]).as("sign(%d)", Seeds.EDGES[i]).isEqualTo(Long.signum(Seeds.EDGES[i]));
    }
  }

  @Seeded(value = 1, parties = {2, 3, 5})
  void selectionsAndExtremaAreExact(int n, long seed) {
    Random rnd = new Random(seed);
    long[][] p = ComparisonProtocolTest.pairs(rnd, 30);
    long[] x = Arrays.stream(p).mapToLong(v -> v[0] >> 1).toArray(), y = Arrays.stream(p).mapToLong(v -> v[1] >> 1).toArray();
    long[] v = rnd.longs(17, -50, 50).toArray(); // a small range: ties happen
    v[16] = v[1];
    List<Opened> got = reveal(n, n - 1, List.of("max(x0, x1)", "min(x0, x1)", "where(x0 < x1, x0, x1)", "abs(x0)", "sign(x0)",
        "relu(x0)", "max(x2)", "min(x2)", "argmax(x2)", "argmin(x2)"), x, y, v);
    for (int i = 0; i < x.length; i++) {
      String at = String.format("x=%d y=%d", x[i], y[i]);
      assertThat(got.get(0).raw()[i]).as(at).isEqualTo(Math.max(x[i], y[i]));
      assertThat(got.get(1).raw()[i]).as(at).isEqualTo(Math.min(x[i], y[i]));
      assertThat(got.get(2).raw()[i]).as(at).isEqualTo(Math.min(x[i], y[i]));
      assertThat(got.get(3).raw()[i]).as(at).isEqualTo(Math.abs(x[i]));
      assertThat(got.get(4).raw()[i]).as(at).isEqualTo(Long.signum(x[i]));
      assertThat(got.get(5).raw()[i]).as(at).isEqualTo(Math.max(0, x[i]));
    }
    long max = Arrays.stream(v).max().orElseThrow(), min = Arrays.stream(v).min().orElseThrow();
    assertThat(got.get(6).raw()).containsExactly(max);
    assertThat(got.get(7).raw()).containsExactly(min);
    assertThat(got.get(8).raw()).as("argmax of %s", Arrays.toString(v)).containsExactly(firstIndexOf(v, max));
    assertThat(got.get(9).raw()).as("argmin of %s", Arrays.toString(v)).containsExactly(firstIndexOf(v, min));
  }

  /** The first index among equal extremes at every length, odd levels included (the cases of issue 17 first). */
  @Seeded(value = 1, parties = {2, 3})
  void argmaxAndArgminKeepTheFirstOfEqualExtremes(int n, long seed) {
    List<Opened> got = reveal(n, 0, List.of("argmax(x0)", "argmin(x1)"), new long[] {5, -3, 17, 17, -100, 2}, new long[] {17, 17, 1, 1, 1, 1});
    assertThat(got.get(0).raw()).containsExactly(2);
    assertThat(got.get(1).raw()).containsExactly(2);
    Random rnd = new Random(seed);
    for (int len = 1; len <= 13; len++) {
      long[] v = rnd.longs(len, 0, 3).toArray(); // three values: equal extremes almost always
      got = reveal(n, 0, List.of("argmax(x0)", "argmin(x0)"), v);
      long max = Arrays.stream(v).max().orElseThrow(), min = Arrays.stream(v).min().orElseThrow();
      assertThat(got.get(0).raw()).as("argmax of %s", Arrays.toString(v)).containsExactly(firstIndexOf(v, max));
      assertThat(got.get(1).raw()).as("argmin of %s", Arrays.toString(v)).containsExactly(firstIndexOf(v, min));
    }
  }

  private static long firstIndexOf(long[] v, long x) {
    for (int i = 0; i < v.length; i++) if (v[i] == x) return i;
    throw new AssertionError(x + " not in " + Arrays.toString(v));
  }

  /** Each function of the accuracy table (reciprocal, division and the roots and log normalise first) within its bound. */
  @Seeded(value = 1, parties = {2, 3, 5})
  void functionsAreWithinTheAccuracyTablesBounds(int n, long seed) {
    Random rnd = new Random(seed);
    for (FunctionAccuracyTest.Spec spec : FunctionAccuracyTest.specs()) {
      double[][] in = spec.sample().draw(rnd, 40);
      for (double[] v : in) for (int i = 0; i < v.length; i++) v[i] = enc(v[i]); // what the parties hold
      double[] got = reveal(n, 0, List.of(spec.expr()), (Object[]) in).get(0).reals();
      for (int i = 0; i < got.length; i++) {
        double exact = spec.exact().applyAsDouble(in[0][i], in.length > 1 ? in[1][i] : 0);
        assertThat(got[i]).as("%s at %s", spec.name(), in.length > 1 ? in[0][i] + " / " + in[1][i] : in[0][i])
            .isCloseTo(exact, offset(Math.max(spec.rtol() * Math.abs(exact), spec.atol())));
      }
    }
  }

  @Seeded(value = 1, parties = {2, 3, 5})
  void statisticsMatricesAndSoftmax(int n, long seed) {
    Random rnd = new Random(seed);
    long[] a = rnd.longs(31, -500, 500).toArray(), b = rnd.longs(20, -500, 500).toArray();
    b[3] = a[5]; // a match for isin
    double[] s = new double[12], m = new double[18], w = {0.5, -1, 2}; // m: 6 rows of 3
    for (int i = 0; i < s.length; i++) s[i] = enc(60 * rnd.nextDouble() - 30);
    for (int i = 0; i < m.length; i++) m[i] = (rnd.nextInt(4001) - 2000) / 64.0; // its products with w need no rounding
    List<Opened> got = reveal(n, 0, List.of("count(x0, x1)", "mean(x0, x1)", "variance(x0, x1)", "stdev(x0, x1)", "median(x0, x1)",
        "histogram(x0, -200, 0, 200)", "isin(x0, x1)", "concat(x1, x0)", "corr(slice(x0, 0, 20), x1)", "softmax(x2)",
        "matvec(x3, x4)", "colmean(x3, 3)", "colstdev(x3, 3)", "slice(x3, 2, 3)", "tile(x4, 2)"), a, b, s, m, w);
    double[] all = StatisticsTest.d(StatisticsTest.concat(a, b)), sorted = all.clone();
    Arrays.sort(sorted);
    double mean = StatisticsTest.mean(all), var = StatisticsTest.variance(all);
    assertThat(got.get(0).raw()).containsExactly(all.length);
    assertThat(got.get(1).reals()[0]).isCloseTo(mean, offset(5e-4));
    assertThat(got.get(2).reals()[0]).isCloseTo(var, offset(1e-3 * var));
    assertThat(got.get(3).reals()[0]).isCloseTo(Math.sqrt(var), offset(1e-3 * Math.sqrt(var)));
    assertThat(got.get(4).reals()[0]).isEqualTo(sorted[25]); // the 26th of 51
    long[] bins = new long[2];
    for (long v : a) if (v >= -200 && v <= 200) bins[v < 0 ? 0 : 1]++;
    assertThat(got.get(5).raw()).containsExactly(bins);
    for (int i = 0; i < a.length; i++) {
      long ai = a[i];
      assertThat(got.get(6).raw()[i]).as("isin %d", ai).isEqualTo(Arrays.stream(b).anyMatch(v -> v == ai) ? 1 : 0);
    }
    assertThat(got.get(7).raw()).containsExactly(StatisticsTest.concat(b, a));
    assertThat(got.get(8).reals()[0]).isCloseTo(corr(Arrays.copyOf(a, 20), b), offset(1e-3));
    double max = Arrays.stream(s).max().orElseThrow(), sum = Arrays.stream(s).map(v -> Math.exp(v - max)).sum();
    for (int i = 0; i < s.length; i++) assertThat(got.get(9).reals()[i]).isCloseTo(Math.exp(s[i] - max) / sum, offset(2e-3));
    double[] mu = new double[3], sd = new double[3];
    for (int j = 0; j < 3; j++) {
      for (int i = 0; i < 6; i++) mu[j] += m[3 * i + j] / 6;
      for (int i = 0; i < 6; i++) sd[j] += (m[3 * i + j] - mu[j]) * (m[3 * i + j] - mu[j]) / 6;
      sd[j] = Math.sqrt(sd[j]);
    }
    for (int i = 0; i < 6; i++) {
      assertThat(got.get(10).reals()[i]).isCloseTo(m[3 * i] * w[0] + m[3 * i + 1] * w[1] + m[3 * i + 2] * w[2], offset(ULP));
    }
    for (int j = 0; j < 3; j++) {
      assertThat(got.get(11).reals()[j]).isCloseTo(mu[j], offset(1e-3 * Math.abs(mu[j]) + 1e-4));
      assertThat(got.get(12).reals()[j]).isCloseTo(sd[j], offset(2e-3 * sd[j] + 1e-4));
    }
    assertThat(got.get(13).reals()).containsExactly(Arrays.copyOfRange(m, 2, 5));
    assertThat(got.get(14).reals()).containsExactly(0.5, -1, 2, 0.5, -1, 2);
  }

  private static double corr(long[] x, long[] y) {
    double[] u = StatisticsTest.d(x), v = StatisticsTest.d(y);
    double mu = StatisticsTest.mean(u), mv = StatisticsTest.mean(v), cov = 0;
    for (int i = 0; i < u.length; i++) cov += (u[i] - mu) * (v[i] - mv) / u.length;
    return cov / Math.sqrt(StatisticsTest.variance(u) * StatisticsTest.variance(v));
  }

  /**
   * Matrix products with dealer matrix triples, exact on the whole ring for integers, and the reshaping and
   * broadcasting around them: X (4 x 3) @ Y (3 x 5), X @ w, a product of three, stacks, slices, a row and
   * a column broadcast, and reals within one unit of 2^-f (the one truncation after each product).
   */
  @Seeded(value = 1, parties = {2, 3, 5})
  void matrixProductsAreExactForIntegersAndWithinOneTruncationForReals(int n, long seed) {
    Random rnd = new Random(seed);
    long[] x = longs(rnd, 12), y = longs(rnd, 15), w = longs(rnd, 3), c = longs(rnd, 4);
    List<Opened> got = reveal(n, n - 1, List.of("x0 @ x1", "matmul(x0, x2)", "(x0 @ x1) @ transpose(x1)", "transpose(x0)",
        "hstack(x0, x3, x0)", "vstack(x0, transpose(x2))", "rows(x1, 1, 2)", "cols(x1, 3, 2)", "x0 + transpose(x2)", "x0 * x3",
        "reshape(x2, 1, 3) @ x1"), new Matrix(x, 3), new Matrix(y, 5), w, c);
    long[] xy = product(x, y, 4, 3, 5);
    assertThat(got.get(0).raw()).containsExactly(xy);
    assertThat(got.get(1).raw()).containsExactly(product(x, w, 4, 3, 1));
    assertThat(got.get(2).raw()).containsExactly(product(xy, transpose(y, 3, 5), 4, 5, 3));
    assertThat(got.get(3).raw()).containsExactly(transpose(x, 4, 3));
    long[] h = new long[4 * 7], v = Arrays.copyOf(x, 15), r = new long[12], col = new long[12];
    for (int i = 0; i < 4; i++) {
      System.arraycopy(x, 3 * i, h, 7 * i, 3);
      h[7 * i + 3] = c[i];
      System.arraycopy(x, 3 * i, h, 7 * i + 4, 3);
      for (int j = 0; j < 3; j++) {
        r[3 * i + j] = x[3 * i + j] + w[j];
        col[3 * i + j] = x[3 * i + j] * c[i];
      }
    }
    System.arraycopy(w, 0, v, 12, 3);
    assertThat(got.get(4).raw()).containsExactly(h);
    assertThat(got.get(5).raw()).containsExactly(v);
    assertThat(got.get(6).raw()).containsExactly(Arrays.copyOfRange(y, 5, 15));
    assertThat(got.get(7).raw()).containsExactly(y[3], y[4], y[8], y[9], y[13], y[14]);
    assertThat(got.get(8).raw()).containsExactly(r);
    assertThat(got.get(9).raw()).containsExactly(col);
    assertThat(got.get(10).raw()).containsExactly(product(w, y, 1, 3, 5));

    double[] a = new double[30 * 7], b = new double[7 * 2];
    for (int i = 0; i < a.length; i++) a[i] = enc((rnd.nextDouble() * 2 - 1) * Math.pow(10, rnd.nextInt(3)));
    for (int i = 0; i < b.length; i++) b[i] = enc(rnd.nextDouble() * 4 - 2);
    double[] reals = reveal(n, 0, List.of("x0 @ x1"), new Matrix(a, 7), new Matrix(b, 2)).get(0).reals();
    for (int i = 0; i < 30; i++) {
      for (int j = 0; j < 2; j++) {
        double want = 0;
        for (int l = 0; l < 7; l++) want += a[7 * i + l] * b[2 * l + j];
        assertThat(reals[2 * i + j]).as("row %d column %d", i, j).isCloseTo(want, offset(ULP));
      }
    }
  }

  /** The plain product of x (n x m) and y (m x k) in wrapping long arithmetic. */
  static long[] product(long[] x, long[] y, int n, int m, int k) {
    long[] z = new long[n * k];
    for (int i = 0; i < n; i++) for (int j = 0; j < k; j++) for (int l = 0; l < m; l++) z[i * k + j] += x[i * m + l] * y[l * k + j];
    return z;
  }

  static long[] transpose(long[] x, int rows, int cols) {
    long[] t = new long[x.length];
    for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) t[j * rows + i] = x[i * cols + j];
    return t;
  }

  /**
   * Vectors one element longer than a party's block run in two blocks ({@link Blocks}): the second block's
   * messages, input shares and dealer material (the corrections a party fetches ahead) line up exactly.
   */
  @Seeded(value = 1, parties = {2, 3})
  void vectorsLongerThanABlockRunInBlocksExactly(int n, long seed) {
    Random rnd = new Random(seed);
    int len = Blocks.DEFAULT + 1;
    long[][] p = ComparisonProtocolTest.pairs(rnd, len);
    long[] x = new long[len], y = new long[len], product = new long[len], less = new long[len];
    for (int i = 0; i < len; i++) {
      x[i] = p[i][0];
      y[i] = p[i][1];
      product[i] = x[i] * y[i] - 3 * x[i];
      less[i] = x[i] < y[i] ? 1 : 0;
    }
    List<Opened> got = reveal(n, n - 1, List.of("x0 * x1 - 3 * x0", "x0 < x1"), x, y);
    assertThat(Arrays.mismatch(got.get(0).raw(), product)).as("first wrong product").isEqualTo(-1); // AssertJ diffs in n^2
    assertThat(Arrays.mismatch(got.get(1).raw(), less)).as("first wrong comparison").isEqualTo(-1);
  }

  /**
   * Sums of vectors longer than a block add up block by block, and the steps after them (a comparison, with its
   * dealer material after all the blocks') run once on the finished sums ({@link Blocks.Layout}).
   */
  @Seeded(value = 1, parties = {2, 3})
  void sumsOfVectorsLongerThanABlockStreamExactly(int n, long seed) {
    Random rnd = new Random(seed);
    int len = Blocks.DEFAULT + 1;
    long[] x = longs(rnd, len), y = new long[len];
    long dot = 0, sx = 0, sy = 0;
    for (int i = 0; i < len; i++) {
      y[i] = rnd.nextInt();
      dot += x[i] * y[i];
      sx += x[i] >> 40; // 24-bit values: the sums stay far within a comparison's range
      sy += y[i];
    }
    long[] small = Arrays.stream(x).map(v -> v >> 40).toArray();
    for (String e : List.of("dot(x0, x1)", "sum(x0) < sum(x1)")) {
      Plan plan = Compiler.compile(List.of(Compiler.Output.reveal(Parser.parse(e), "p0")), ProtocolTest.parties(n),
          name -> ProtocolTest.info(name, "p0", len), F).plan();
      assertThat(Blocks.length(plan, Blocks.DEFAULT)).as("%s streams", e).isEqualTo(len);
    }
    assertThat(reveal(n, n - 1, List.of("dot(x0, x1)"), x, y).get(0).raw()).containsExactly(dot);
    assertThat(reveal(n, n - 1, List.of("sum(x0) < sum(x1)"), small, y).get(0).raw()).containsExactly(sx < sy ? 1L : 0L);
  }

  /** A product kept as a shared value by one session, loaded by the next (shares never leave the parties). */
  @Seeded(value = 1, parties = {2, 3, 5})
  void storedSharesAreLoadedByALaterSession(int n, long seed) {
    Random rnd = new Random(seed);
    long[] a = longs(rnd, 5), b = longs(rnd, 5);
    List<String> parties = ProtocolTest.parties(n);
    for (int k = 0; k < 2; k++) {
      harness(n).input(new StoredValue(ProtocolTest.info("x" + k, parties.get(k % n), 5), (k == 0 ? a : b).clone()));
    }
    Map<String, ValueInfo> catalog = new HashMap<>();
    catalog.put("x0", ProtocolTest.info("x0", parties.get(0), 5));
    catalog.put("x1", ProtocolTest.info("x1", parties.get(1 % n), 5));
    try {
      assertThat(session(n, List.of(Compiler.Output.store(Parser.parse("x0 * x1"), "kept")), catalog, -1)).isEmpty();
      catalog.put("kept", ValueInfo.newBuilder().setName("kept").setKind(Kind.SHARED).setDtype(DType.INT).addAllParties(parties)
          .setLength(5).addAllProvenance(new java.util.TreeSet<>(List.of(parties.get(0), parties.get(1 % n)))).build());
      List<Opened> got = session(n, List.of(Compiler.Output.reveal(Parser.parse("kept - x0"), parties.get(n - 1))), catalog, n - 1);
      long[] want = new long[5];
      for (int i = 0; i < 5; i++) want[i] = a[i] * b[i] - a[i];
      assertThat(got.get(0).raw()).containsExactly(want);
    } finally {
      catalog.keySet().forEach(harness(n)::delete);
    }
  }

  /**
   * Streamed outputs that a party keeps (a stored share, a named reveal), a block longer than a block: written a
   * block at a time (by the party's store over gRPC), exact when a later session loads them.
   */
  @Seeded(value = 1, parties = {2, 3})
  void streamedValuesKeptAreLoadedByALaterSession(int n, long seed) {
    Random rnd = new Random(seed);
    int len = Blocks.DEFAULT + 3;
    long[] a = longs(rnd, len), b = longs(rnd, len);
    List<String> parties = ProtocolTest.parties(n);
    String last = parties.get(n - 1);
    for (int k = 0; k < 2; k++) {
      harness(n).input(new StoredValue(ProtocolTest.info("x" + k, parties.get(k % n), len), (k == 0 ? a : b).clone()));
    }
    Map<String, ValueInfo> catalog = new HashMap<>();
    catalog.put("x0", ProtocolTest.info("x0", parties.get(0), len));
    catalog.put("x1", ProtocolTest.info("x1", parties.get(1 % n), len));
    try {
      assertThat(session(n, List.of(Compiler.Output.store(Parser.parse("x0 * x1"), "kept")), catalog, -1)).isEmpty();
      List<Opened> seen = session(n, List.of(new Compiler.Output(Parser.parse("x0 - x1"), last, "seen", null)), catalog, n - 1);
      assertThat(Arrays.mismatch(seen.get(0).raw(), subtract(a, b))).as("first wrong element revealed").isEqualTo(-1);
      catalog.put("kept", ValueInfo.newBuilder().setName("kept").setKind(Kind.SHARED).setDtype(DType.INT).addAllParties(parties)
          .setLength(len).addAllProvenance(new java.util.TreeSet<>(List.of(parties.get(0), parties.get(1 % n)))).build());
      catalog.put("seen", ProtocolTest.info("seen", last, len).toBuilder().clearProvenance()
          .addAllProvenance(new java.util.TreeSet<>(List.of(parties.get(0), parties.get(1 % n)))).build());
      List<Opened> got = session(n, List.of(Compiler.Output.reveal(Parser.parse("kept - x0 + seen"), last)), catalog, n - 1);
      long[] want = new long[len];
      for (int i = 0; i < len; i++) want[i] = a[i] * b[i] - a[i] + (a[i] - b[i]);
      assertThat(Arrays.mismatch(got.get(0).raw(), want)).as("first wrong element").isEqualTo(-1);
    } finally {
      catalog.keySet().forEach(harness(n)::delete);
    }
  }

  private static long[] subtract(long[] a, long[] b) {
    long[] out = new long[a.length];
    for (int i = 0; i < a.length; i++) out[i] = a[i] - b[i];
    return out;
  }
}
