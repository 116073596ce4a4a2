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
import smpc.core.Failure;
import smpc.core.expr.Compiler;
import smpc.core.expr.Compiler.Output;
import smpc.core.expr.Expr;
import smpc.core.expr.Parser;
import smpc.core.ml.LogisticRegression;
import smpc.core.testing.Seeded;
import smpc.proto.DType;
import smpc.proto.Instr;
import smpc.proto.Kind;
import smpc.proto.Op;
import smpc.proto.Plan;
import smpc.proto.SessionStats;
import smpc.proto.ValueInfo;

/**
 * The cost preview against the real plan runner (n parties in memory): every party's rounds, bytes sent
 * and material exactly as its statistics report them, for the bench workloads and the function library.
 */
public class EstimateTest {
  static final int F = LocalProtocol.FRAC_BITS;

  /** Expressions over x, y, z (integers) and r, s (reals, s away from 0), each n long. */
  static final List<String> LIBRARY = List.of("x == y", "x <= y", "max(x)", "argmin(y)", "where(x < y, x, y)", "abs(x) + relu(y)",
      "exp(r)", "log(s)", "sqrt(s)", "rsqrt(s)", "reciprocal(s)", "tanh(r)", "softmax(r)", "median(x)", "dot(x, y)",
      "sum(x*y) + 3", "x*x*x", "-x + 7*y", "stdev(r, s)", "corr(r, s)", "histogram(x, 0, 10, 100)", "isin(x, y)",
      "tile(slice(x, 0, 1), 3) * sum(y)", "min(x, y) - max(z)", "sign(r) * s");

  /**
   * The bench workloads (BenchCommand), W5 apart: it is several sessions, see {@link #logisticRegression}; over
   * x, y (integers) and r, s (reals, s away from 0). party-node's CostPreviewTest runs them over gRPC.
   */
  public static final Map<String, String> BENCH = new java.util.LinkedHashMap<>();

  static {
    BENCH.put("W1", "(x*y) - 5*(x+y)");
    BENCH.put("W2", "x * y");
    BENCH.put("W3", "x < y");
    BENCH.put("W4a", "r * s");
    BENCH.put("W4b", "sigmoid(r)");
    BENCH.put("W4c", "r / s");
    BENCH.put("W6", "concat(mean(x, y, z), variance(x, y, z))");
  }

  /** Parties running sessions one after another in memory, each keeping what its sessions store. */
  static final class Parties {
    final List<String> names;
    final List<Map<String, StoredValue>> stores = new ArrayList<>();

    Parties(int n) {
      names = ProtocolTest.parties(n);
      for (int i = 0; i < n; i++) stores.add(new HashMap<>());
    }

    void input(String name, int owner, DType dtype, long[] data) {
      ValueInfo info = ValueInfo.newBuilder().setName(name).setKind(Kind.PRIVATE).setDtype(dtype).setOwner(names.get(owner))
          .setLength(data.length).setFracBits(dtype == DType.REAL ? F : 0).build();
      stores.get(owner).put(name, new StoredValue(info, data));
    }

    /** The inputs every test uses: x, r on the first party, y, s on the last, z on the second; n each. */
    void inputs(Random rnd, int n) {
      int last = names.size() - 1;
      input("x", 0, DType.INT, rnd.longs(n, -1000, 1000).toArray());
      input("y", last, DType.INT, rnd.longs(n, -1000, 1000).toArray());
      input("z", 1, DType.INT, rnd.longs(n, -1000, 1000).toArray());
      input("r", 0, DType.REAL, rnd.longs(n, -10L << F, 10L << F).toArray());
      input("s", last, DType.REAL, rnd.longs(n, 1L << F, 100L << F).toArray());
    }

    ValueInfo info(String name) {
      for (Map<String, StoredValue> s : stores) if (s.containsKey(name)) return s.get(name).info();
      return null;
    }

    long length(String name) {
      ValueInfo v = info(name);
      return v == null ? 0 : v.getLength();
    }

    Plan compile(List<Output> outputs) {
      return Compiler.compile(outputs, names, this::info, F).plan();
    }

    /** Runs a session; every party keeps what it stores; returns every party's statistics. */
    List<SessionStats> run(Plan plan) {
      List<Function<String, StoredValue>> lookup = new ArrayList<>();
      for (Map<String, StoredValue> s : stores) lookup.add(s::get);
      List<PlanRunner.Outcome> out = LocalProtocol.run(plan, names, lookup, null);
      for (int i = 0; i < out.size(); i++) {
        for (PlanRunner.Store s : out.get(i).stores()) stores.get(i).put(s.value().info().getName(), s.value());
      }
      return out.stream().map(PlanRunner.Outcome::stats).toList();
    }

    /** Estimates the session, runs it, and checks every figure; returns bytes estimated / sent, over all parties. */
    double check(Plan plan, String what) {
      Estimate.Cost cost = Estimate.of(plan, names, F, this::length);
      List<SessionStats> stats = run(plan);
      long estimated = 0, actual = 0;
      for (int i = 0; i < names.size(); i++) {
        SessionStats st = stats.get(i);
        assertThat(cost.rounds()).as("%s: rounds of party %d", what, i).isEqualTo(st.getRounds());
        assertThat(cost.bytesSent()[i]).as("%s: bytes sent by party %d", what, i).isEqualTo(st.getBytesSent());
        for (Material m : Material.values()) {
          assertThat(cost.material().getOrDefault(m, 0L)).as("%s: %s", what, m.noun).isEqualTo(m.in(st));
        }
        estimated += cost.bytesSent()[i];
        actual += st.getBytesSent();
      }
      assertThat(cost.material().values()).allMatch(k -> k > 0);
      assertThat(cost.peakMemoryBytes()).isEqualTo(Footprint.bytes(plan, names.size(), this::length));
      return actual == 0 ? 1 : (double) estimated / actual;
    }
  }

  static Output reveal(String expr, String to) {
    return Output.reveal(Parser.parse(expr), to);
  }

  /** Sometimes without the lengths the compiler declares: the estimate then asks for the stored ones. */
  static Plan undeclared(Plan plan, Random rnd) {
    if (rnd.nextBoolean()) return plan;
    Plan.Builder p = plan.toBuilder();
    for (Instr.Builder in : p.getInstrsBuilderList()) if (in.getOp() == Op.LOAD || in.getOp() == Op.SHARE) in.setLength(0);
    return p.build();
  }

  @Seeded(value = 2, parties = {2, 3, 5})
  void benchWorkloadsCostWhatTheyRunWith(int n, long seed) {
    System.out.printf("seed=%d parties=%d%n", seed, n);
    Random rnd = new Random(seed);
    for (int len : new int[] {1, 1 + rnd.nextInt(200), 1000 + rnd.nextInt(1000)}) {
      Parties p = new Parties(n);
      p.inputs(rnd, len);
      for (var w : BENCH.entrySet()) {
        double ratio = p.check(undeclared(p.compile(List.of(reveal(w.getValue(), p.names.get(n - 1)))), rnd), w.getKey());
        System.out.printf("%s n=%d parties=%d: bytes estimated/sent %.4f%n", w.getKey(), len, n, ratio);
      }
    }
  }

  /** W5 at a reduced size: the SDK's sessions (standardise and store, an epoch loading them, the final one). */
  @Seeded(value = 1, parties = {2, 3, 5})
  void logisticRegression(int n, long seed) {
    System.out.printf("seed=%d parties=%d%n", seed, n);
    Random rnd = new Random(seed);
    int rows = 20 + rnd.nextInt(40), d = 2 + rnd.nextInt(4);
    Parties p = new Parties(n);
    p.input("lx", 0, DType.REAL, rnd.longs((long) rows * d, -5L << F, 5L << F).toArray());
    p.input("ly", 1, DType.INT, rnd.longs(rows, 0, 2).toArray());
    LogisticRegression.Schedule s = new LogisticRegression.Schedule(1, 8, 0.5);
    List<Output> setup = List.of(Output.let("_x", new Expr.Ref("lx")), Output.let("_stats", LogisticRegression.stats("_x", d)),
        Output.store(new Expr.Ref("_stats"), "stats"), Output.store(LogisticRegression.standardized(new Expr.Ref("_x"), new Expr.Ref("_stats"), d), "xs"),
        Output.store(new Expr.Ref("ly"), "ys"));
    List<Output> epoch = new ArrayList<>(LogisticRegression.epoch(LogisticRegression.zeros(d), "xs", "ys", rows, d, s, "_m"));
    epoch.add(Output.store(new Expr.Ref("_m"), "m1"));
    epoch.add(Output.reveal(new Expr.Ref(LogisticRegression.loss("_m")), p.names.get(1)));
    Map<String, Double> ratios = new java.util.LinkedHashMap<>();
    ratios.put("W5 setup", p.check(undeclared(p.compile(setup), rnd), "W5 setup"));
    ratios.put("W5 epoch", p.check(undeclared(p.compile(epoch), rnd), "W5 epoch"));
    Expr model = new Expr.Ref("m1");
    List<Output> fin = List.of(Output.reveal(LogisticRegression.correct(model, "xs", "ys", rows, d), p.names.get(1)),
        Output.reveal(model, p.names.get(n - 1)), Output.store(new Expr.Call("concat", List.of(model, new Expr.Ref("stats"))), "model"));
    ratios.put("W5 final", p.check(undeclared(p.compile(fin), rnd), "W5 final"));
    ratios.put("W5 predict", p.check(p.compile(List.of(Output.reveal(LogisticRegression.predict("model", new Expr.Ref("lx"), rows, d), p.names.get(0)))),
        "W5 predict"));
    ratios.forEach((k, v) -> System.out.printf("%s rows=%d d=%d parties=%d: bytes estimated/sent %.4f%n", k, rows, d, n, v));
  }

  @Seeded(value = 3, parties = {2, 3, 5})
  void theFunctionLibraryCostsWhatItRunsWith(int n, long seed) {
    System.out.printf("seed=%d parties=%d%n", seed, n);
    Random rnd = new Random(seed);
    Parties p = new Parties(n);
    int len = 2 + rnd.nextInt(rnd.nextBoolean() ? 10 : 300);
    p.inputs(rnd, len);
    for (int k = 0; k < 6; k++) {
      String expr = LIBRARY.get(rnd.nextInt(LIBRARY.size()));
      String to = p.names.get(rnd.nextInt(n));
      List<Output> outs = new ArrayList<>(List.of(reveal(expr, to)));
      if (rnd.nextBoolean()) outs.add(new Output(Parser.parse("x + y"), p.names.get(rnd.nextInt(n)), "kept" + k, null)); // revealed and kept
      if (rnd.nextBoolean()) outs.add(Output.store(Parser.parse("x * z"), "stored" + k));
      p.check(undeclared(p.compile(outs), rnd), expr + " (n=" + len + ")");
      if (outs.size() > 1 && rnd.nextBoolean()) { // a later session loads what the earlier kept
        String reuse = outs.get(outs.size() - 1).keepAs() != null ? "kept" + k : "stored" + k;
        p.check(undeclared(p.compile(List.of(reveal(reuse + " < 5", to))), rnd), "loading " + reuse);
      }
    }
  }

  @Test
  void aPlanWithoutMaterialNeedsNoDealer() {
    Parties p = new Parties(3);
    p.inputs(new Random(1), 4);
    Plan plan = p.compile(List.of(reveal("x + 3*y", "p2")));
    Estimate.Cost cost = Estimate.of(plan, p.names, F, p::length);
    assertThat(cost.material()).isEmpty();
    assertThat(cost.dealerBytes()).containsExactly(0, 0, 0);
    // x's and y's seeds ride on their owners' agreement messages (not counted); p0 and p1 send their share of the sum to p2
    assertThat(cost.bytesSent()).containsExactly(8 * 4, 8 * 4, 0);
    // a SHARE that does not declare its length sends its seed and the length to each peer, in a round of its own
    Plan undeclared = plan.toBuilder().setInstrs(0, plan.getInstrs(0).toBuilder().setLength(0)).build();
    assertThat(plan.getInstrs(0).getOp()).isEqualTo(smpc.proto.Op.SHARE);
    assertThat(Estimate.of(undeclared, p.names, F, p::length).bytesSent()[0]).isEqualTo(2 * 24 + 8 * 4);
    assertThat(Costs.rounds(undeclared)).isEqualTo(Costs.rounds(plan) + 1);
  }

  @Test
  void theDesignatedPartyGetsTheCorrectionsAndEveryPartyItsSeed() {
    Parties p = new Parties(3);
    p.inputs(new Random(2), 10);
    Plan plan = p.compile(List.of(reveal("x * y", "p0"), reveal("x < y", "p1")));
    Estimate.Cost cost = Estimate.of(plan, p.names, F, p::length);
    long corrections = 0;
    for (var m : cost.material().entrySet()) corrections += 8L * m.getKey().correctionWords * m.getValue();
    assertThat(cost.material()).containsEntry(Material.TRIPLE, 10L).containsEntry(Material.COMPARE, 10L);
    assertThat(cost.dealerBytes()).containsExactly(16 + corrections, 16, 16);
  }

  @Test
  void aPartyOutsideTheSessionIsRefused() {
    Parties p = new Parties(2);
    p.inputs(new Random(3), 2);
    Plan plan = p.compile(List.of(reveal("x * y", "p1")));
    assertThatThrownBy(() -> Estimate.of(plan, List.of("p0", "p9"), F, p::length)).isInstanceOf(Failure.class)
        .hasMessageContaining("'p1' is not in this session");
    assertThatThrownBy(() -> Estimate.of(plan, List.of("p0", "p1"), 99, p::length)).isInstanceOf(Failure.class)
        .hasMessageContaining("drops 1 to 62 bits");
  }
}
