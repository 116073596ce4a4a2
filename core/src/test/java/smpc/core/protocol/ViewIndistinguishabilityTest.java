package smpc.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import smpc.core.expr.Compiler;
import smpc.core.expr.Parser;
import smpc.core.ring.FixedPoint;
import smpc.proto.DType;
import smpc.proto.Kind;
import smpc.proto.ValueInfo;

/**
 * What bob receives while alice's and carol's inputs are multiplied, truncated or compared is
 * distributed the same whatever those inputs are: over many runs with two very different input sets, a
 * two-sample chi-square test on every message (its words' top and bottom 4 bits) finds no difference.
 * A leaking protocol (an opening of x + a small mask, say) fails this at once.
 */
class ViewIndistinguishabilityTest {
  static final int RUNS = 150;
  static final List<String> PARTIES = List.of("alice", "bob", "carol");

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "x * y, false, alice",
      "(x * y) * x, true, alice",
      "x < y, false, alice"})
  void bobsViewDoesNotDependOnTheOthersInputs(String expr, boolean real, String revealTo) {
    assertThat(worstChiSquare(expr, real, revealTo)).isLessThan(80);
  }

  /** The control: when x itself is revealed to bob (his view then includes it), the same test sees the difference at once. */
  @org.junit.jupiter.api.Test
  void theTestSeesALeak() {
    assertThat(worstChiSquare("x + 0 * y", false, "bob")).isGreaterThan(1000);
  }

  /** The largest two-sample chi-square over every message of bob's view and every opened value. */
  static double worstChiSquare(String expr, boolean real, String revealTo) {
    Map<String, long[]> a = views(expr, real, revealTo, new long[] {1, 2, 3, 4}, new long[] {5, 6, 7, 8});
    Map<String, long[]> b = views(expr, real, revealTo, new long[] {-123456, 99999, 1 << 20, 7}, new long[] {-3, 1 << 21, -77777, 123});
    assertThat(a.keySet()).isEqualTo(b.keySet()).isNotEmpty();
    double worst = 0;
    for (String k : a.keySet()) {
      double chi2 = 0;
      long[] ha = a.get(k), hb = b.get(k);
      int df = -1;
      for (int i = 0; i < ha.length; i++) {
        if (ha[i] + hb[i] == 0) continue;
        chi2 += Math.pow(ha[i] - hb[i], 2) / (ha[i] + hb[i]);
        df++;
      }
      // df <= 31; the chi-square quantile at p = 1e-6 for 31 degrees of freedom is about 80
      worst = Math.max(worst, chi2);
    }
    return worst;
  }

  /** Per message bob receives (sender and step): a 32-bin histogram of its words' top and bottom nibbles. */
  static Map<String, long[]> views(String expr, boolean real, String revealTo, long[] x, long[] y) {
    Map<String, ProtocolTest.Input> in = new HashMap<>();
    in.put("x", new ProtocolTest.Input(0, encode(x, real)));
    in.put("y", new ProtocolTest.Input(2, encode(y, real)));
    Compiler.Compiled c = Compiler.compile(List.of(Compiler.Output.reveal(Parser.parse(expr), revealTo)), PARTIES, name -> {
      ProtocolTest.Input i = in.get(name);
      return i == null ? null : ValueInfo.newBuilder().setName(name).setKind(Kind.PRIVATE).setDtype(real ? DType.REAL : DType.INT)
          .setFracBits(real ? 16 : 0).setOwner(PARTIES.get(i.owner())).setLength(i.value().length).build();
    }, 16);
    List<java.util.function.Function<String, StoredValue>> stores = new ArrayList<>();
    for (int p = 0; p < 3; p++) {
      int me = p;
      stores.add(name -> {
        ProtocolTest.Input i = in.get(name);
        if (i == null || i.owner() != me) return null;
        ValueInfo info = ValueInfo.newBuilder().setName(name).setKind(Kind.PRIVATE).setDtype(real ? DType.REAL : DType.INT)
            .setFracBits(real ? 16 : 0).setOwner(PARTIES.get(me)).setLength(i.value().length).build();
        return new StoredValue(info, i.value());
      });
    }
    Map<String, long[]> hist = new TreeMap<>();
    for (int r = 0; r < RUNS; r++) {
      List<LocalProtocol.Message> log = new ArrayList<>();
      List<PlanRunner.Outcome> outcomes = LocalProtocol.run(c.plan(), PARTIES, stores, log);
      for (var rv : outcomes.get(1).revealed()) add(hist.computeIfAbsent("output", k -> new long[32]), smpc.core.ring.Packing.fromByteString(rv.getData()));
      Map<String, long[]> opened = new TreeMap<>(); // per step: everything bob receives plus his own share, added up
      for (LocalProtocol.Message m : log) {
        if (m.payload().length % 8 != 0 || !(m.to() == 1 || (m.from() == 1 && m.to() == (m.tag().startsWith("r/") ? -1 : 0)))) continue;
        long[] words = smpc.core.ring.Packing.fromBytes(m.payload());
        long[] sum = opened.computeIfAbsent(m.tag(), k -> new long[words.length]);
        if (sum.length == words.length) smpc.core.ring.Ring.addInPlace(sum, words);
        if (m.to() == 1) add(hist.computeIfAbsent(m.from() + ":" + m.tag(), k -> new long[32]), words);
      }
      for (var e : opened.entrySet()) add(hist.computeIfAbsent("opened:" + e.getKey(), k -> new long[32]), e.getValue());
    }
    return hist;
  }

  static void add(long[] h, long[] words) {
    for (long w : words) {
      h[(int) (w >>> 60)]++;
      h[16 + (int) (w & 15)]++;
    }
  }

  static long[] encode(long[] v, boolean real) {
    long[] out = v.clone();
    if (real) for (int i = 0; i < out.length; i++) out[i] = FixedPoint.encode(java.math.BigDecimal.valueOf(v[i] % 1000), 16, "x");
    return out;
  }
}
