package smpc.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import smpc.core.expr.Compiler;
import smpc.core.expr.Parser;
import smpc.core.ring.FixedPoint;
import smpc.core.ring.Packing;
import smpc.core.testing.Seeded;
import smpc.proto.DType;
import smpc.proto.Kind;
import smpc.proto.Op;
import smpc.proto.ValueInfo;

/** Fixed-point reals through the real plan runner (n parties in memory) against double arithmetic. */
class FixedPointProtocolTest {
  static final int F = LocalProtocol.FRAC_BITS;
  static final double ULP = 1.0 / (1 << F);

  record Result(double[] values, Compiler.Compiled compiled) {}

  /** Evaluates expr over real inputs x0.. (each owned by a party) and decodes the revealed result. */
  static Result eval(String expr, int n, double[][] inputs) {
    List<String> parties = ProtocolTest.parties(n);
    Map<String, ProtocolTest.Input> in = new java.util.HashMap<>();
    for (int k = 0; k < inputs.length; k++) {
      long[] enc = new long[inputs[k].length];
      for (int i = 0; i < enc.length; i++) enc[i] = FixedPoint.encode(new BigDecimal(inputs[k][i]), F, "x");
      in.put("x" + k, new ProtocolTest.Input(k % n, enc));
    }
    Compiler.Compiled c = Compiler.compile(List.of(Compiler.Output.reveal(Parser.parse(expr), parties.get(0))), parties,
        name -> {
          ProtocolTest.Input i = in.get(name);
          return i == null ? null : ValueInfo.newBuilder().setName(name).setKind(Kind.PRIVATE).setDtype(DType.REAL)
              .setFracBits(F).setOwner(parties.get(i.owner())).setLength(i.value().length).build();
        }, F);
    List<PlanRunner.Outcome> out = LocalProtocol.run(c.plan(), parties, ProtocolTest.stores(parties, in), null);
    var r = out.get(0).revealed().get(0);
    long[] raw = Packing.fromByteString(r.getData());
    double[] d = new double[raw.length];
    for (int i = 0; i < d.length; i++) d[i] = FixedPoint.decode(raw[i], r.getScale()).doubleValue();
    return new Result(d, c);
  }

  static double enc(double x) {
    return FixedPoint.decode(FixedPoint.encode(new BigDecimal(x), F, "x"), F).doubleValue();
  }

  @Test
  void twoPointFiveTimesOnePointFiveIsExactly3point75() {
    assertThat(eval("x0 * x1", 3, new double[][] {{2.5}, {1.5}}).values()).containsExactly(3.75);
    assertThat(eval("x0 * x1 * x0 + 1", 3, new double[][] {{2.5}, {1.5}}).values()).containsExactly(10.375);
  }

  @Seeded(value = 8, parties = {2, 3, 4, 5})
  void productsOfRealsAreWithinTwoUnits(int n, long seed) {
    Random rnd = new Random(seed);
    int len = 50;
    double[] a = new double[len], b = new double[len], c = new double[len];
    for (int i = 0; i < len; i++) {
      a[i] = (rnd.nextDouble() * 2 - 1) * Math.pow(10, rnd.nextInt(4));
      b[i] = (rnd.nextDouble() * 2 - 1) * Math.pow(10, rnd.nextInt(3));
      c[i] = (rnd.nextDouble() * 2 - 1) * 10;
    }
    // (a*b) is truncated before it meets c; the final product is revealed exactly at 2f bits
    double[] got = eval("x0 * x1 * x2 - x2", n, new double[][] {a, b, c}).values();
    for (int i = 0; i < len; i++) {
      double ab = enc(a[i]) * enc(b[i]);
      double want = ab * enc(c[i]) - enc(c[i]);
      // one truncation of a*b: error below one unit, scaled by |c|, plus encoding of the inputs
      assertThat(got[i]).as("a=%s b=%s c=%s", a[i], b[i], c[i]).isCloseTo(want, org.assertj.core.data.Offset.offset(
          2 * ULP * Math.max(1, Math.abs(enc(c[i])))));
    }
  }

  @Seeded(value = 5, parties = {2, 3, 4, 5})
  void sumsDifferencesAndMixedIntegerRealArithmetic(int n, long seed) {
    Random rnd = new Random(seed);
    double[] a = rnd.doubles(30, -1e6, 1e6).toArray(), b = rnd.doubles(30, -1e3, 1e3).toArray();
    double[] got = eval("x0 + x1 - 2.5 * x1 + 3", n, new double[][] {a, b}).values();
    for (int i = 0; i < a.length; i++) {
      double want = enc(a[i]) + enc(b[i]) - 2.5 * enc(b[i]) + 3; // additions are exact in fixed point
      assertThat(got[i]).isCloseTo(want, org.assertj.core.data.Offset.offset(1e-9 * Math.abs(want) + ULP));
    }
    // an integer input mixes with reals by promotion (x1 is integer-valued but a real here; x0 * 3 an int literal)
    double[] mixed = eval("x0 * 3 - x1 * x0", n, new double[][] {a, b}).values();
    for (int i = 0; i < a.length; i++) {
      double want = 3 * enc(a[i]) - enc(b[i]) * enc(a[i]);
      assertThat(mixed[i]).isCloseTo(want, org.assertj.core.data.Offset.offset(1e-9 * Math.abs(want) + 2 * ULP));
    }
  }

  @Test
  void realComparisonsAreExactDownToOneUnit() {
    double u = ULP;
    double[] x = {1.5, 1.5, 1.5 + u, -2.25, 0, 0, -u, 1e6, -1e6};
    double[] y = {1.5, 1.5 + u, 1.5, -2.25 + u, 0, u, 0, 1e6 - u, -1e6};
    double[] lt = eval("x0 < x1", 3, new double[][] {x, y}).values();
    double[] eq = eval("x0 == x1", 3, new double[][] {x, y}).values();
    for (int i = 0; i < x.length; i++) {
      assertThat(lt[i]).as("%s < %s", x[i], y[i]).isEqualTo(x[i] < y[i] ? 1.0 : 0.0);
      assertThat(eq[i]).as("%s == %s", x[i], y[i]).isEqualTo(x[i] == y[i] ? 1.0 : 0.0);
    }
  }

  @Test
  void truncationIsExactToOneUnitAtTheEndsOfTheRange() {
    double big = (1L << 30) - 1; // the largest real magnitude, squared: about 2^60 at 2f bits
    double[][] in = {{big, -big, 1e-4, -1e-4, 0, 32767.99, -32768}, {1, 1, 1, 1, 1, 32767.99, 32768}};
    // (x0*x1) truncated (stored-size), then plus 0 keeps it; compare with double
    double[] got = eval("x0 * x1 * 1.0", 5, in).values();
    for (int i = 0; i < in[0].length; i++) {
      double want = enc(in[0][i]) * enc(in[1][i]);
      assertThat(Math.abs(got[i] - want)).as("element %d", i).isLessThanOrEqualTo(2 * ULP * Math.max(1, Math.abs(want) / (1 << 30)) + Math.ulp(want));
    }
  }

  @Test
  void realProductsAreTruncatedOnlyWhenTheyMustBe() {
    double[][] in = {{1.5, 2.5}, {2, 4}};
    Compiler.Compiled revealed = eval("dot(x0, x1)", 2, in).compiled();
    assertThat(Material.TRUNC_PAIR.in(revealed.plan())).as("a revealed dot product needs no truncation").isZero();
    assertThat(eval("dot(x0, x1)", 2, in).values()).containsExactly(13.0);
    Compiler.Compiled chained = eval("x0 * x1 * x0", 2, in).compiled();
    assertThat(Material.TRUNC_PAIR.in(chained.plan())).isEqualTo(2);
    assertThat(chained.plan().getInstrsList().stream().filter(i -> i.getOp() == Op.TRUNC).count()).isEqualTo(1);
  }

  /** The values opened during a truncation are uniform whatever the input (they are masked by r). */
  @Test
  void truncationOpeningsLookUniformWhateverTheInputs() {
    for (double v : new double[] {0, 1000.5}) {
      List<LocalProtocol.Message> log = new ArrayList<>();
      List<String> parties = ProtocolTest.parties(3);
      long[] x = new long[200];
      java.util.Arrays.fill(x, FixedPoint.encode(new BigDecimal(v), F, "x"));
      Map<String, ProtocolTest.Input> in = Map.of("x0", new ProtocolTest.Input(0, x));
      var plan = smpc.proto.Plan.newBuilder()
          .addInstrs(smpc.proto.Instr.newBuilder().setOp(Op.SHARE).addDst(0).setName("x0").setParty(parties.get(0)))
          .addInstrs(smpc.proto.Instr.newBuilder().setOp(Op.MUL).addDst(1).addSrc(0).addSrc(0))
          .addInstrs(smpc.proto.Instr.newBuilder().setOp(Op.TRUNC).setScale(F).addDst(2).addSrc(1))
          .addAllMaterial(Material.counts(Map.of(Material.TRIPLE, 200L, Material.TRUNC_PAIR, 200L))).build();
      LocalProtocol.run(plan, parties, ProtocolTest.stores(parties, in), log);
      long ones = 0, bits = 0;
      for (LocalProtocol.Message m : log) {
        if (!m.tag().startsWith("t/")) continue;
        for (long w : Packing.fromBytes(m.payload())) {
          ones += Long.bitCount(w);
          bits += 64;
        }
      }
      assertThat(bits).isEqualTo(3 * 2 * 200 * 64);
      assertThat(Math.abs(ones - bits / 2.0)).isLessThan(6 * Math.sqrt(bits / 4.0));
    }
  }

  @Test
  void aTruncationSpanningPairsMadeForOtherBitsIsRefused() {
    List<String> parties = ProtocolTest.parties(3);
    Map<String, ProtocolTest.Input> in = Map.of("x0", new ProtocolTest.Input(0, new long[] {1L << 20, 2L << 20, 3L << 20}));
    // three pairs, the middle one made for 8 bits: the ends alone would pass a TRUNC of 16
    var plan = smpc.proto.Plan.newBuilder()
        .addInstrs(smpc.proto.Instr.newBuilder().setOp(Op.SHARE).addDst(0).setName("x0").setParty(parties.get(0)))
        .addInstrs(smpc.proto.Instr.newBuilder().setOp(Op.TRUNC).setScale(F).addDst(1).addSrc(0))
        .addTruncRuns(smpc.proto.TruncRun.newBuilder().setCount(1).setBits(F))
        .addTruncRuns(smpc.proto.TruncRun.newBuilder().setCount(1).setBits(8))
        .addTruncRuns(smpc.proto.TruncRun.newBuilder().setCount(1).setBits(F))
        .addAllMaterial(Material.counts(Map.of(Material.TRUNC_PAIR, 3L))).build();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> LocalProtocol.run(plan, parties, ProtocolTest.stores(parties, in), null))
        .hasStackTraceContaining("TRUNC drops 16 bits but the plan's truncation schedule says otherwise");
  }
}
