package smpc.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Division and the nonlinear functions through the real plan runner (2 and 3 parties in memory) against
 * java.lang.Math on the inputs as encoded (f = 16), over random inputs across each domain and its edges.
 * An error passes when it is within rtol * |exact| or within atol: the accuracy table of docs/functions.md.
 * The measured maxima and rounds are written to target/function-accuracy.md.
 */
class FunctionAccuracyTest {
  static final double ATOL = Math.pow(2, -14);
  /** The table lives under this heading of docs/functions.md; other sections there may name the same functions. */
  static final String ACCURACY_HEADING = "## Accuracy";
  static final List<String> REPORT = new ArrayList<>();

  /** A function over one domain: inputs from {@code sample}, exact values from {@code exact}. */
  record Spec(String name, String expr, String domain, Sampler sample, DoubleBinaryOperator exact, double rtol, double atol) {
    @Override
    public String toString() {
      return name;
    }
  }

  interface Sampler {
    double[][] draw(Random rnd, int n);
  }

  static Spec[] specs() {
    return new Spec[] {
        unary("reciprocal", "reciprocal(x0)", "0.001 ≤ abs(y) ≤ 100000", signed(logUniform(0.001, 100000)), x -> 1 / x, 1e-3, ATOL),
        new Spec("division", "x0 / x1", "0.001 ≤ abs(y) ≤ 100000, abs(x) ≤ 1000", (rnd, n) -> new double[][] {
            signed(logUniform(0.001, 1000)).draw(rnd, n)[0], signed(logUniform(0.001, 100000)).draw(rnd, n)[0]},
            (x, y) -> x / y, 1e-3, ATOL),
        unary("exp", "exp(x0)", "−16 ≤ x ≤ 10", uniform(-16, 10), Math::exp, 1e-3, ATOL),
        unary("log", "log(x0)", "0.001 ≤ x ≤ 100000", logUniform(0.001, 100000), Math::log, 0, 2e-3),
        unary("sqrt", "sqrt(x0)", "0.001 ≤ x ≤ 100000", logUniform(0.001, 100000), Math::sqrt, 1e-3, 0),
        unary("rsqrt", "rsqrt(x0)", "0.001 ≤ x ≤ 100000", logUniform(0.001, 100000), x -> 1 / Math.sqrt(x), 1e-3, ATOL),
        unary("sigmoid", "sigmoid(x0)", "all reals in range", wide(), x -> 1 / (1 + Math.exp(-x)), 0, 1e-3),
        unary("tanh", "tanh(x0)", "all reals in range", wide(), Math::tanh, 0, 1e-3),
        unary("softplus", "softplus(x0)", "all reals in range", wide(), x -> Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))), 0, 1e-3)};
  }

  static Spec unary(String name, String expr, String domain, Sampler s, DoubleUnaryOperator fn, double rtol, double atol) {
    return new Spec(name, expr, domain, s, (x, y) -> fn.applyAsDouble(x), rtol, atol);
  }

  static Sampler logUniform(double lo, double hi) {
    return (rnd, n) -> {
      double[] v = new double[n];
      for (int i = 0; i < n; i++) v[i] = lo * Math.pow(hi / lo, rnd.nextDouble());
      v[0] = lo;
      v[1] = hi;
      return new double[][] {v};
    };
  }

  static Sampler uniform(double lo, double hi) {
    return (rnd, n) -> {
      double[] v = new double[n];
      for (int i = 0; i < n; i++) v[i] = lo + (hi - lo) * rnd.nextDouble();
      v[0] = lo;
      v[1] = hi;
      return new double[][] {v};
    };
  }

  static Sampler signed(Sampler s) {
    return (rnd, n) -> {
      double[] v = s.draw(rnd, n)[0];
      for (int i = 2; i < n; i++) if (rnd.nextBoolean()) v[i] = -v[i];
      v[n - 1] = -v[0];
      return new double[][] {v};
    };
  }

  /** Mostly [-20, 20], the saturation edges, and values up to the range's end. */
  static Sampler wide() {
    return (rnd, n) -> {
      double[] v = new double[n];
      for (int i = 0; i < n; i++) {
        v[i] = switch (i % 4) {
          case 0 -> (rnd.nextDouble() * 2 - 1) * Math.pow(2, 29 * rnd.nextDouble());
          case 1 -> (rnd.nextBoolean() ? 1 : -1) * (3.5 + 5 * rnd.nextDouble());
          default -> 40 * rnd.nextDouble() - 20;
        };
      }
      v[0] = 0;
      v[1] = 8;
      v[2] = -8;
      v[3] = Math.pow(2, 29);
      return new double[][] {v};
    };
  }

  static List<Object[]> cases() {
    List<Object[]> out = new ArrayList<>();
    for (Spec s : specs()) for (int n : new int[] {2, 3}) out.add(new Object[] {s, n});
    return out;
  }

  @ParameterizedTest(name = "{0} with {1} parties")
  @MethodSource("cases")
  void withinTheTablesBound(Spec spec, int parties) {
    Random rnd = new Random(spec.name().hashCode() * 31L + parties);
    double[][] raw = spec.sample().draw(rnd, 400);
    double[][] in = new double[raw.length][];
    for (int k = 0; k < raw.length; k++) {
      in[k] = new double[raw[k].length];
      for (int i = 0; i < in[k].length; i++) in[k][i] = FixedPointProtocolTest.enc(raw[k][i]); // what the parties hold
    }
    FixedPointProtocolTest.Result r = FixedPointProtocolTest.eval(spec.expr(), parties, in);
    double worstAbs = 0, worstRel = 0, worstRatio = 0;
    String worstAt = "";
    for (int i = 0; i < r.values().length; i++) {
      double exact = spec.exact().applyAsDouble(in[0][i], in.length > 1 ? in[1][i] : 0);
      double err = Math.abs(r.values()[i] - exact);
      double allowed = Math.max(spec.rtol() * Math.abs(exact), spec.atol());
      worstAbs = Math.max(worstAbs, err);
      if (spec.rtol() > 0 && Math.abs(exact) >= spec.atol() / spec.rtol()) worstRel = Math.max(worstRel, err / Math.abs(exact));
      if (err / allowed > worstRatio) {
        worstRatio = err / allowed;
        worstAt = String.format("input %s: got %s, exact %s", in[0][i] + (in.length > 1 ? " / " + in[1][i] : ""),
            r.values()[i], exact);
      }
    }
    if (parties == 3) {
      checkTable(spec.name(), spec.domain(), bound(spec), r.compiled().rounds());
      REPORT.add(String.format("| %s | %s | %s | %.2e | %s | %.2f | %d |", spec.name(), spec.domain(), bound(spec), worstAbs,
          spec.rtol() > 0 ? String.format("%.2e", worstRel) : "", worstRatio, r.compiled().rounds()));
    }
    assertThat(worstRatio).as("worst error relative to the bound, at %s", worstAt).isLessThanOrEqualTo(1.0);
  }

  @Test
  void softmaxWithinTwoThousandthsPerEntry() {
    Random rnd = new Random(7);
    for (int parties : new int[] {2, 3}) {
      double[] v = new double[12];
      for (int i = 0; i < v.length; i++) v[i] = FixedPointProtocolTest.enc(60 * rnd.nextDouble() - 30);
      v[3] = v[7] + 0.5; // near ties
      double max = java.util.Arrays.stream(v).max().getAsDouble(), sum = 0;
      double[] exact = new double[v.length];
      for (int i = 0; i < v.length; i++) sum += exact[i] = Math.exp(v[i] - max);
      FixedPointProtocolTest.Result r = FixedPointProtocolTest.eval("softmax(x0)", parties, new double[][] {v});
      double worst = 0;
      for (int i = 0; i < v.length; i++) {
        worst = Math.max(worst, Math.abs(r.values()[i] - exact[i] / sum));
        assertThat(r.values()[i]).as("entry %d", i).isCloseTo(exact[i] / sum, org.assertj.core.data.Offset.offset(2e-3));
      }
      if (parties == 3) {
        checkTable("softmax", "12 entries within [−30, 30]", "absolute 0.002", r.compiled().rounds());
        REPORT.add(String.format("| softmax | 12 entries within [−30, 30] | absolute 0.002 | %.2e | | %.2f | %d |", worst, worst / 2e-3,
            r.compiled().rounds()));
      }
    }
  }

  /**
   * sigmoid and softplus of one value share its comparisons and Chebyshev terms (Bands), also when softplus
   * takes a concatenation of values whose sigmoids were taken: together they cost the comparisons once and
   * fewer triples than apart, and each stays within its bound, over 2, 3 and 5 parties.
   */
  @Test
  void sigmoidAndSoftplusOfOneValueShareItsComparisonsAndTerms() {
    long seed = new Random().nextLong();
    Random rnd = new Random(seed);
    double[] v = new double[60];
    for (int i = 0; i < v.length; i++) v[i] = FixedPointProtocolTest.enc(24 * rnd.nextDouble() - 12);
    for (int parties : new int[] {2, 3, 5}) {
      var sig = FixedPointProtocolTest.eval("sigmoid(x0)", parties, new double[][] {v}).compiled().plan();
      var soft = FixedPointProtocolTest.eval("softplus(x0)", parties, new double[][] {v}).compiled().plan();
      for (String expr : new String[] {"concat(sigmoid(x0), softplus(x0))", // one value; and parts, then their concatenation
          "concat(sigmoid(slice(x0, 0, 30)), sigmoid(slice(x0, 30, 30)), softplus(concat(slice(x0, 0, 30), slice(x0, 30, 30))))"}) {
        FixedPointProtocolTest.Result both = FixedPointProtocolTest.eval(expr, parties, new double[][] {v});
        var plan = both.compiled().plan();
        assertThat(Material.COMPARE.in(plan)).as("comparisons of %s, seed %d", expr, seed).isEqualTo(Material.COMPARE.in(sig));
        assertThat(Material.TRIPLE.in(plan) + Material.SQUARE.in(plan)).as("products of %s", expr)
            .isLessThan(Material.TRIPLE.in(sig) + Material.SQUARE.in(sig) + Material.TRIPLE.in(soft) + Material.SQUARE.in(soft));
        checkSigmoidThenSoftplus(both.values(), v, seed);
      }
    }
  }

  /** got: sigmoid of every v, then softplus of every v, each within 10^-3. */
  private static void checkSigmoidThenSoftplus(double[] got, double[] v, long seed) {
    for (int i = 0; i < v.length; i++) {
      double x = v[i];
      assertThat(got[i]).as("sigmoid(%s), seed %d", x, seed).isCloseTo(1 / (1 + Math.exp(-x)), org.assertj.core.data.Offset.offset(1e-3));
      assertThat(got[v.length + i]).as("softplus(%s), seed %d", x, seed)
          .isCloseTo(Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))), org.assertj.core.data.Offset.offset(1e-3));
    }
  }

  @Test
  void reluMaxAndArgmaxAreExact() {
    Random rnd = new Random(11);
    for (int parties : new int[] {2, 3}) {
      double[] v = new double[37];
      for (int i = 0; i < v.length; i++) v[i] = FixedPointProtocolTest.enc(2000 * rnd.nextDouble() - 1000);
      FixedPointProtocolTest.Result relu = FixedPointProtocolTest.eval("relu(x0)", parties, new double[][] {v});
      for (int i = 0; i < v.length; i++) assertThat(relu.values()[i]).isEqualTo(Math.max(v[i], 0));
      double max = java.util.Arrays.stream(v).max().getAsDouble();
      assertThat(FixedPointProtocolTest.eval("max(x0)", parties, new double[][] {v}).values()).containsExactly(max);
      FixedPointProtocolTest.Result arg = FixedPointProtocolTest.eval("argmax(x0)", parties, new double[][] {v});
      assertThat(v[(int) arg.values()[0]]).isEqualTo(max);
      assertThat(arg.compiled().rounds()).isEqualTo(1 + 9 * 6); // ceil(log2 37) levels, and the reveal
      if (parties == 3) checkTable("relu", "all", "exact", relu.compiled().rounds());
    }
  }

  @Test
  void integerDivisionByAPublicIntegerIsExactFloorDivision() {
    Random rnd = new Random(3);
    for (long d : new long[] {7, -3, 2, 1000003, -1}) {
      long[] x = new long[200];
      for (int i = 0; i < x.length; i++) x[i] = rnd.nextLong(-(1L << 30) + 1, 1L << 30);
      x[0] = 0;
      x[1] = -1;
      x[2] = d * 5;
      long[] got = ProtocolTest.evaluate("x0 / " + (d < 0 ? "(" + d + ")" : d), 3, java.util.Map.of("x0", new ProtocolTest.Input(1, x)), null);
      for (int i = 0; i < x.length; i++) assertThat(got[i]).as("%d / %d", x[i], d).isEqualTo(Math.floorDiv(x[i], d));
    }
  }

  @Test
  void divisionBySecretZeroGivesZeroAndNoHang() {
    double[] zero = {0, 0, 0};
    double[] x = {1, -1000, 123.5};
    FixedPointProtocolTest.Result r = FixedPointProtocolTest.eval("x0 / x1", 3, new double[][] {x, zero});
    for (double v : r.values()) assertThat(Math.abs(v)).isLessThanOrEqualTo(ATOL);
    r = FixedPointProtocolTest.eval("reciprocal(x0)", 2, new double[][] {zero});
    for (double v : r.values()) assertThat(Math.abs(v)).isLessThanOrEqualTo(ATOL);
  }

  /** docs/functions.md's accuracy table states this function's domain, bound and rounds as measured here. */
  static void checkTable(String name, String domain, String bound, int rounds) {
    String row = accuracySection().stream().filter(l -> l.startsWith("| " + name + " |")).findFirst().orElse(null);
    assertThat(row).as("accuracy table row for %s in docs/functions.md", name).isNotNull();
    String[] cells = row.split("\\|");
    assertThat(cells[2].trim()).as("%s domain in docs/functions.md", name).isEqualTo(domain);
    assertThat(cells[3].trim()).as("%s bound in docs/functions.md", name).isEqualTo(bound);
    assertThat(cells[cells.length - 1].trim()).as("%s rounds in docs/functions.md", name).isEqualTo(Integer.toString(rounds));
  }

  /** The lines of docs/functions.md under {@link #ACCURACY_HEADING}, up to the next heading of its level. */
  static List<String> accuracySection() {
    List<String> doc;
    try {
      doc = Files.readAllLines(Path.of("..", "docs", "functions.md"));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    int start = doc.indexOf(ACCURACY_HEADING);
    assertThat(start).as("heading '%s' in docs/functions.md", ACCURACY_HEADING).isNotNegative();
    int end = start + 1;
    while (end < doc.size() && !doc.get(end).startsWith("## ")) end++;
    return doc.subList(start + 1, end);
  }

  static String bound(Spec s) {
    if (s.rtol() == 0) return String.format("absolute %s", s.atol());
    return s.atol() == 0 ? String.format("relative %s", s.rtol()) : String.format("relative %s, or absolute 2^-14", s.rtol());
  }

  @AfterAll
  static void writeReport() throws IOException {
    Path out = Path.of("target", "function-accuracy.md");
    Files.createDirectories(out.getParent());
    List<String> lines = new ArrayList<>(List.of(
        "| function | domain | bound | max abs error | max relative error where it is the bound | worst error / bound | rounds |",
        "|---|---|---|---|---|---|---|"));
    lines.addAll(REPORT);
    Files.write(out, lines);
  }
}
