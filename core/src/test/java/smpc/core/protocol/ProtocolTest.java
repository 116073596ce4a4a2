package smpc.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import smpc.core.expr.Compiler;
import smpc.core.expr.Expr;
import smpc.core.expr.Operator;
import smpc.core.expr.Parser;
import smpc.core.ring.Ring;
import smpc.core.testing.Seeded;
import smpc.proto.DType;
import smpc.proto.Kind;
import smpc.proto.ValueInfo;

/** The real plan runner, n parties in memory, against plain wrapping {@code long} arithmetic. */
class ProtocolTest {
  static final String[] NAMES = {"p0", "p1", "p2", "p3", "p4", "p5", "p6"};

  /** Private inputs: name -> owner index and value. */
  record Input(int owner, long[] value) {}

  static List<String> parties(int n) {
    return List.of(NAMES).subList(0, n);
  }

  static List<Function<String, StoredValue>> stores(List<String> parties, Map<String, Input> inputs) {
    List<Function<String, StoredValue>> out = new ArrayList<>();
    for (int i = 0; i < parties.size(); i++) {
      int me = i;
      out.add(name -> {
        Input in = inputs.get(name);
        if (in == null || in.owner() != me) return null;
        return new StoredValue(info(name, parties.get(me), in.value().length), in.value());
      });
    }
    return out;
  }

  static ValueInfo info(String name, String owner, int len) {
    return ValueInfo.newBuilder().setName(name).setKind(Kind.PRIVATE).setDtype(DType.INT).setOwner(owner).setLength(len).build();
  }

  static long[] evaluate(String expr, int n, Map<String, Input> inputs, List<LocalProtocol.Message> log) {
    List<String> parties = parties(n);
    Compiler.Compiled c = Compiler.compile(List.of(Compiler.Output.reveal(Parser.parse(expr), parties.get(0))), parties,
        name -> inputs.containsKey(name) ? info(name, parties.get(inputs.get(name).owner()), inputs.get(name).value().length) : null);
    List<PlanRunner.Outcome> out = LocalProtocol.run(c.plan(), parties, stores(parties, inputs), log);
    for (int i = 1; i < n; i++) assertThat(out.get(i).revealed()).as("only the target learns the result").isEmpty();
    assertThat(out.get(0).stats().getRounds()).isEqualTo(c.rounds());
    return smpc.core.ring.Packing.fromByteString(out.get(0).revealed().get(0).getData());
  }

  /** Plain evaluation with the same broadcast rules. */
  static long[] plain(Expr e, Map<String, Input> inputs) {
    if (e instanceof Expr.Num num) return new long[] {num.value()};
    if (e instanceof Expr.Ref r) return inputs.get(r.name()).value();
    if (e instanceof Expr.Neg ng) return Ring.neg(plain(ng.x(), inputs));
    if (e instanceof Expr.Bin b) {
      long[] x = plain(b.left(), inputs), y = plain(b.right(), inputs);
      return b.op() == Operator.ADD ? Ring.add(x, y) : b.op() == Operator.SUB ? Ring.sub(x, y) : Ring.mul(x, y);
    }
    Expr.Call c = (Expr.Call) e;
    if (c.fn().equals("sum")) return new long[] {Ring.sum(plain(c.args().get(0), inputs))};
    return new long[] {Ring.sum(Ring.mul(plain(c.args().get(0), inputs), plain(c.args().get(1), inputs)))};
  }

  @Test
  void seedExampleGives875() {
    Map<String, Input> in = Map.of("a", new Input(0, new long[] {25}), "b", new Input(1, new long[] {50}));
    assertThat(evaluate("(a*b) - 5*(a+b)", 3, in, null)).containsExactly(875);
  }

  @Seeded(value = 7, parties = {2, 3, 4, 5, 6, 7})
  void randomExpressionsOverRandomVectorsMatchPlainArithmetic(int n, long seed) {
    Random rnd = new Random(seed);
    int len = 1 + rnd.nextInt(6);
    Map<String, Input> inputs = new HashMap<>();
    for (int k = 0; k < 4; k++) {
      long[] v = new long[k == 3 ? 1 : len]; // one scalar to exercise broadcast
      for (int i = 0; i < v.length; i++) v[i] = rnd.nextInt(4) == 0 ? rnd.nextLong() : rnd.nextInt(2001) - 1000;
      inputs.put("x" + k, new Input(rnd.nextInt(n), v));
    }
    String expr = randomExpr(rnd, 4);
    assertThat(evaluate(expr, n, inputs, null)).as(expr).containsExactly(plain(Parser.parse(expr), inputs));
  }

  static String randomExpr(Random rnd, int depth) {
    if (depth == 0 || rnd.nextInt(4) == 0) {
      return rnd.nextInt(5) == 0 ? Integer.toString(rnd.nextInt(100)) : "x" + rnd.nextInt(4);
    }
    return switch (rnd.nextInt(6)) {
      case 0 -> "(" + randomExpr(rnd, depth - 1) + " + " + randomExpr(rnd, depth - 1) + ")";
      case 1 -> "(" + randomExpr(rnd, depth - 1) + " - " + randomExpr(rnd, depth - 1) + ")";
      case 2, 3 -> "(" + randomExpr(rnd, depth - 1) + " * " + randomExpr(rnd, depth - 1) + ")";
      case 4 -> "-" + randomExpr(rnd, depth - 1);
      default -> "sum(" + randomExpr(rnd, depth - 1) + ")";
    };
  }

  @Test
  void wrapAroundIsExact() {
    Map<String, Input> in = Map.of("a", new Input(0, new long[] {Long.MAX_VALUE, Long.MIN_VALUE}),
        "b", new Input(1, new long[] {2, -1}));
    assertThat(evaluate("a*b + a", 2, in, null)).containsExactly(Long.MAX_VALUE * 2 + Long.MAX_VALUE, Long.MIN_VALUE * -1 + Long.MIN_VALUE);
  }

  /** What other parties receive during a multiplication is masked: it looks uniform whatever the inputs. */
  @Test
  void openedValuesDoNotDependOnTheInputs() {
    for (long[] secret : new long[][] {new long[64], filled(64, 123_456_789)}) {
      List<LocalProtocol.Message> log = new ArrayList<>();
      Map<String, Input> in = Map.of("a", new Input(0, secret), "b", new Input(0, secret));
      evaluate("a*b", 3, in, log);
      long ones = 0, bits = 0;
      for (LocalProtocol.Message m : log) {
        if (!m.tag().startsWith("m/")) continue;
        for (long v : smpc.core.ring.Packing.fromBytes(m.payload())) {
          ones += Long.bitCount(v);
          bits += 64;
          assertThat(v).isNotIn(0L, 123_456_789L);
        }
      }
      assertThat(bits).isPositive();
      assertThat(Math.abs(ones - bits / 2.0)).isLessThan(6 * Math.sqrt(bits / 4.0));
    }
  }

  static long[] filled(int n, long v) {
    long[] a = new long[n];
    java.util.Arrays.fill(a, v);
    return a;
  }

  @Test
  void aPlanThatReadsAnUnsetRegisterFailsCleanly() {
    var plan = smpc.proto.Plan.newBuilder().addInstrs(smpc.proto.Instr.newBuilder().setOp(smpc.proto.Op.NEG).addDst(1).addSrc(0)).build();
    assertThatThrownBy(() -> LocalProtocol.run(plan, parties(2), stores(parties(2), Map.of()), null))
        .hasMessageContaining("reads register 0 before setting it");
  }
}
