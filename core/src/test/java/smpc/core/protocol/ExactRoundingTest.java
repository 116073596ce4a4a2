package smpc.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import smpc.core.expr.Compiler;
import smpc.core.expr.Numerics;
import smpc.core.expr.Parser;
import smpc.core.ring.FixedPoint;
import smpc.core.ring.Packing;
import smpc.core.testing.Seeded;
import smpc.proto.DType;
import smpc.proto.Kind;
import smpc.proto.ValueInfo;

/**
 * Exact rounding (Numerics.exactRounding) through the real plan runner: every truncation of a secret gives
 * the bits constant folding gives for the same numbers, so a result is the same on every run, whatever the
 * dealer's and the parties' randomness.
 */
class ExactRoundingTest {
  static final int F = LocalProtocol.FRAC_BITS;
  static final Numerics EXACT = Numerics.DEFAULT.withExactRounding(true);

  /** The raw revealed ring elements of expr over real inputs x0.. (x_k owned by party k mod n). */
  static long[] eval(String expr, int n, double[][] inputs, Numerics numerics) {
    List<String> parties = ProtocolTest.parties(n);
    Map<String, ProtocolTest.Input> in = new HashMap<>();
    for (int k = 0; k < inputs.length; k++) in.put("x" + k, new ProtocolTest.Input(k % n, encode(inputs[k])));
    Compiler.Compiled c = Compiler.compile(List.of(Compiler.Output.reveal(Parser.parse(expr), parties.get(0))), parties,
        name -> {
          ProtocolTest.Input i = in.get(name);
          return i == null ? null : ValueInfo.newBuilder().setName(name).setKind(Kind.PRIVATE).setDtype(DType.REAL)
              .setFracBits(F).setOwner(parties.get(i.owner())).setLength(i.value().length).build();
        }, F, numerics);
    var out = LocalProtocol.run(c.plan(), parties, ProtocolTest.stores(parties, in), null);
    return Packing.fromByteString(out.get(0).revealed().get(0).getData());
  }

  static long[] encode(double[] x) {
    long[] enc = new long[x.length];
    for (int i = 0; i < enc.length; i++) enc[i] = FixedPoint.encode(new BigDecimal(x[i]), F, "x");
    return enc;
  }

  /** floor((v + 2^(bits-1)) / 2^bits), what the compiler folds a public truncation to. */
  static long round(long v, int bits) {
    return Math.floorDiv(v + (1L << (bits - 1)), 1L << bits);
  }

  @Seeded(value = 4, parties = {2, 3, 5})
  void everyTruncationIsRoundToNearestExactly(int n, long seed) {
    Random rnd = new Random(seed);
    int len = 40;
    double[] a = new double[len], b = new double[len], c = new double[len];
    for (int i = 0; i < len; i++) {
      a[i] = (rnd.nextDouble() * 2 - 1) * Math.pow(10, rnd.nextInt(4));
      b[i] = (rnd.nextDouble() * 2 - 1) * Math.pow(10, rnd.nextInt(3));
      c[i] = (rnd.nextDouble() * 2 - 1) * 10;
    }
    // a few elements exactly halfway after a*b, where stochastic rounding goes either way: ties go up
    a[0] = 0.5;
    b[0] = Math.scalb(1.0, -F);
    a[1] = -0.5;
    b[1] = Math.scalb(1.0, -F);
    long[] ea = encode(a), eb = encode(b), ec = encode(c);
    long[] got = eval("x0 * x1 * x2 - x2", n, new double[][] {a, b, c}, EXACT);
    for (int i = 0; i < len; i++) {
      long ab = round(ea[i] * eb[i], F); // a*b at 2f, shrunk to f before it meets c
      long want = ab * ec[i] - (ec[i] << F); // revealed at 2f
      assertThat(got[i]).as("seed %d, a=%s b=%s c=%s", seed, a[i], b[i], c[i]).isEqualTo(want);
    }
    assertThat(round(ea[0] * eb[0], F)).isEqualTo(1); // 0.5 units: up
    assertThat(round(ea[1] * eb[1], F)).isEqualTo(0); // -0.5 units: up too
  }

  @Test
  void functionsOfSecretsGiveTheSameBitsOnEveryRun() {
    // stochastic rounding gives 2.5 / 1.5 as 109225 or 109226 units from run to run; exact rounding one of them always
    Map<String, Double> want = Map.of("x0 / x1", 2.5 / 1.5, "sqrt(x0)", Math.sqrt(2.5), "exp(x1)", Math.exp(1.5),
        "sigmoid(x0 - 2)", 1 / (1 + Math.exp(-0.5)), "x0 * x1 / 3", 1.25);
    want.forEach((fn, value) -> {
      long first = eval(fn, 3, new double[][] {{2.5}, {1.5}}, EXACT)[0];
      for (int n : new int[] {2, 5}) {
        assertThat(eval(fn, n, new double[][] {{2.5}, {1.5}}, EXACT)[0]).as("%s, %d parties", fn, n).isEqualTo(first);
      }
      assertThat(Math.scalb((double) first, -F)).as(fn).isCloseTo(value, org.assertj.core.data.Offset.offset(value * 1e-3 + 1e-3));
    });
  }

  @Test
  void exactRoundingCostsAComparisonPerTruncatedElement() {
    var parties = ProtocolTest.parties(3);
    java.util.function.Function<String, ValueInfo> catalog = name -> ValueInfo.newBuilder().setName(name)
        .setKind(Kind.PRIVATE).setDtype(DType.REAL).setFracBits(F).setOwner(name.equals("x0") ? parties.get(0) : parties.get(1))
        .setLength(10).build();
    var out = List.of(Compiler.Output.reveal(Parser.parse("x0 * x1 * x0"), parties.get(0)));
    Compiler.Compiled stochastic = Compiler.compile(out, parties, catalog, F, Numerics.DEFAULT);
    Compiler.Compiled exact = Compiler.compile(out, parties, catalog, F, EXACT);
    assertThat(Material.TRUNC_PAIR.in(exact.plan())).isEqualTo(Material.TRUNC_PAIR.in(stochastic.plan())).isEqualTo(10);
    assertThat(Material.COMPARE.in(stochastic.plan())).isZero();
    assertThat(Material.COMPARE.in(exact.plan())).isEqualTo(10);
    assertThat(exact.rounds()).isEqualTo(stochastic.rounds() + Comparison.ROUNDS);
  }

  @Test
  void roundingIsNamedExactOrStochastic() {
    assertThat(Numerics.exactRounding("Exact")).isTrue();
    assertThat(Numerics.exactRounding("stochastic")).isFalse();
    assertThat(Numerics.exactRounding(null)).isNull();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Numerics.exactRounding("nearest"))
        .hasMessage("rounding must be exact or stochastic, got 'nearest'");
  }
}
