package smpc.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import smpc.core.expr.Compiler;
import smpc.core.expr.Parser;
import smpc.core.ring.Packing;
import smpc.core.testing.Seeded;
import smpc.core.testing.Seeds;
import smpc.proto.DType;
import smpc.proto.Instr;
import smpc.proto.Kind;
import smpc.proto.Op;
import smpc.proto.Plan;
import smpc.proto.SessionStats;
import smpc.proto.ValueInfo;

/**
 * Plans run in blocks of 64 elements (the parties use 2^20) at lengths around the block boundaries: every
 * elementwise step (sharing, loading, constants, additions, negation, public and Beaver products,
 * truncation, comparisons, reveals, stores) must give exactly what one whole run gives, sums added up block
 * by block must give the whole sum to the steps after them (run once), and the other steps that cross
 * elements (SLICE, CONCAT, GATHER, LOOKUP, NORM, MATMUL), and a sum used beside the vectors, run whole. Every party's
 * statistics must be what the estimator says for blocks: rounds per block, the same bytes and material.
 */
class BlockStreamingTest {
  private static final int BLOCK = 64;
  private static final int F = LocalProtocol.FRAC_BITS;
  private static final int[] SIZES = {1, BLOCK - 1, BLOCK, BLOCK + 1, 5 * BLOCK + 17};

  /** The parties' stores, which keep what a session stores for the next. */
  private static final class Parties {
    final List<String> names;
    final List<Map<String, StoredValue>> stores = new ArrayList<>();
    final Map<String, ValueInfo> catalog = new HashMap<>();

    Parties(int n) {
      names = ProtocolTest.parties(n);
      for (int i = 0; i < n; i++) stores.add(new ConcurrentHashMap<>());
    }

    void input(String name, int owner, long[] v, boolean real) {
      ValueInfo info = ValueInfo.newBuilder().setName(name).setKind(Kind.PRIVATE).setDtype(real ? DType.REAL : DType.INT)
          .setFracBits(real ? F : 0).setOwner(names.get(owner)).addProvenance(names.get(owner)).setLength(v.length).build();
      catalog.put(name, info);
      stores.get(owner).put(name, new StoredValue(info, v));
    }

    /** Runs the outputs as one session in blocks; checks statistics against the estimate; party n-1's outputs. */
    List<long[]> run(List<Compiler.Output> outputs) {
      Plan plan = Compiler.compile(outputs, names, catalog::get, F).plan();
      List<Function<String, StoredValue>> reads = stores.stream().map(s -> (Function<String, StoredValue>) s::get).toList();
      List<PlanRunner.Outcome> out = LocalProtocol.run(plan, names, reads, null, BLOCK);
      Estimate.Cost cost = Estimate.of(plan, names, F, name -> catalog.get(name).getLength());
      for (int i = 0; i < names.size(); i++) {
        SessionStats s = out.get(i).stats();
        assertThat(s.getRounds()).as("party %d's rounds", i).isEqualTo(Blocks.rounds(plan, BLOCK));
        assertThat(s.getBytesSent()).as("party %d's bytes", i).isEqualTo(cost.bytesSent()[i]);
        for (Material m : Material.values()) assertThat(m.in(s)).as("party %d's %s", i, m).isEqualTo(m.in(plan));
        for (PlanRunner.Store st : out.get(i).stores()) stores.get(i).put(st.value().info().getName(), st.value());
      }
      List<long[]> got = new ArrayList<>();
      out.get(names.size() - 1).revealed().forEach(r -> got.add(Packing.fromByteString(r.getData())));
      return got;
    }

    Compiler.Output reveal(String expr) {
      return Compiler.Output.reveal(Parser.parse(expr), names.get(names.size() - 1));
    }
  }

  @Seeded(value = 1, parties = {2, 3, 5})
  void elementwisePlansAreExactAroundBlockBoundaries(int n, long seed) {
    System.out.printf("seed=%d parties=%d%n", seed, n);
    Random rnd = new Random(seed);
    for (int len : SIZES) {
      Parties p = new Parties(n);
      long[] a = longs(rnd, len), b = longs(rnd, len), ra = reals(rnd, len), rb = reals(rnd, len);
      long[][] pairs = ComparisonProtocolTest.pairs(rnd, len);
      long[] x = new long[len], y = new long[len];
      for (int i = 0; i < len; i++) {
        x[i] = pairs[i][0];
        y[i] = pairs[i][1];
      }
      p.input("a", 0, a, false);
      p.input("b", 1 % n, b, false);
      p.input("x", 2 % n, x, false);
      p.input("y", (n - 1), y, false);
      p.input("ra", 1 % n, ra, true);
      p.input("rb", 0, rb, true);
      List<String> exprs = List.of("a + b - 3", "-a + 7", "5 * a - b * 3", "a * b", "a * b * a",
          "(x < y) + 2 * (x == y) + 4 * (x >= y)");
      List<Compiler.Output> outputs = new ArrayList<>(exprs.stream().map(p::reveal).toList());
      outputs.add(Compiler.Output.store(Parser.parse("a * b - x"), "kept"));
      outputs.add(Compiler.Output.store(Parser.parse("ra * rb"), "rkept")); // stored at f bits: one truncation
      Plan plan = Compiler.compile(outputs, p.names, p.catalog::get, F).plan();
      assertThat(Blocks.length(plan, BLOCK)).as("streams at %d", len).isEqualTo(len > BLOCK ? len : 0);
      assertThat(plan.getInstrsList()).extracting(i -> i.getOp()).contains(Op.MUL, Op.TRUNC, Op.COMPARE, Op.STORE, Op.CONST);
      List<long[]> got = p.run(outputs);
      for (int i = 0; i < len; i++) {
        String at = "element " + i + " of " + len;
        assertThat(got.get(0)[i]).as(at).isEqualTo(a[i] + b[i] - 3);
        assertThat(got.get(1)[i]).as(at).isEqualTo(-a[i] + 7);
        assertThat(got.get(2)[i]).as(at).isEqualTo(5 * a[i] - b[i] * 3);
        assertThat(got.get(3)[i]).as(at).isEqualTo(a[i] * b[i]);
        assertThat(got.get(4)[i]).as(at).isEqualTo(a[i] * b[i] * a[i]);
        long cmp = (x[i] < y[i] ? 1 : 0) + 2 * (x[i] == y[i] ? 1 : 0) + 4 * (x[i] >= y[i] ? 1 : 0);
        assertThat(got.get(5)[i]).as(at).isEqualTo(cmp);
      }
      p.catalog.put("kept", ValueInfo.newBuilder().setName("kept").setKind(Kind.SHARED).setDtype(DType.INT).addAllParties(p.names)
          .setLength(len).build());
      p.catalog.put("rkept", ValueInfo.newBuilder().setName("rkept").setKind(Kind.SHARED).setDtype(DType.REAL).setFracBits(F)
          .addAllParties(p.names).setLength(len).build());
      List<long[]> loaded = p.run(List.of(p.reveal("kept + y"), p.reveal("rkept")));
      for (int i = 0; i < len; i++) {
        String at = "stored then loaded, element " + i + " of " + len;
        assertThat(loaded.get(0)[i]).as(at).isEqualTo(a[i] * b[i] - x[i] + y[i]);
        long exact = Math.multiplyHigh(ra[i], rb[i]) << (64 - F) | (ra[i] * rb[i]) >>> F; // floor(ra·rb / 2^f)
        assertThat(loaded.get(1)[i] - exact).as(at + ": one truncation").isBetween(0L, 1L);
      }
    }
  }

  @Seeded(value = 1, parties = {2, 3, 5})
  void sumsStreamAndTheirTailRunsOnceAroundBlockBoundaries(int n, long seed) {
    System.out.printf("seed=%d parties=%d%n", seed, n);
    Random rnd = new Random(seed);
    for (int len : SIZES) {
      Parties p = new Parties(n);
      long[] a = longs(rnd, len), b = longs(rnd, len), x = new long[len], y = new long[len];
      for (int i = 0; i < len; i++) {
        x[i] = rnd.nextInt();
        y[i] = rnd.nextInt();
      }
      p.input("a", 0, a, false);
      p.input("b", 1 % n, b, false);
      p.input("x", 2 % n, x, false);
      p.input("y", n - 1, y, false);
      long dot = 0, sa = 0, sb = 0, sx = 0, sy = 0;
      for (int i = 0; i < len; i++) {
        dot += a[i] * b[i];
        sa += a[i];
        sb += b[i];
        sx += x[i];
        sy += y[i];
      }
      // each its own plan: the compiler may schedule one output's tail before another's vectors
      Map<String, Long> expected = new java.util.LinkedHashMap<>();
      expected.put("dot(a, b)", dot);
      expected.put("sum(a) + 5", sa + 5);
      expected.put("sum(a) * sum(b)", sa * sb);
      expected.put("sum(x) < sum(y)", sx < sy ? 1L : 0L);
      expected.put("sum(a * b - 3 * a) * 7", (dot - 3 * sa) * 7);
      for (Map.Entry<String, Long> e : expected.entrySet()) {
        List<Compiler.Output> outputs = List.of(p.reveal(e.getKey()));
        Plan plan = Compiler.compile(outputs, p.names, p.catalog::get, F).plan();
        String what = e.getKey() + " at " + len;
        assertThat(Blocks.length(plan, BLOCK)).as("%s streams", what).isEqualTo(len > BLOCK ? len : 0);
        if (len > BLOCK) assertThat(Blocks.layout(plan, BLOCK).tail()).as("%s has a tail", what).isLessThan(plan.getInstrsCount());
        assertThat(p.run(outputs).get(0)).as(what).containsExactly(e.getValue());
      }
      // a mean's tail truncates by other bits than its vectors: real arithmetic on the finished sum
      List<Compiler.Output> mean = List.of(p.reveal("mean(x)"));
      assertThat(Blocks.length(Compiler.compile(mean, p.names, p.catalog::get, F).plan(), BLOCK)).isEqualTo(len > BLOCK ? len : 0);
      double got = p.run(mean).get(0)[0] / (double) (1L << F), exact = sx / (double) len;
      assertThat(got).as("mean of %d", len).isCloseTo(exact, org.assertj.core.data.Offset.offset(1e-3 * Math.max(1, Math.abs(exact))));
      // a sum kept as a shared value, then loaded by a later session
      p.run(List.of(Compiler.Output.store(Parser.parse("dot(a, b)"), "kept")));
      p.catalog.put("kept", ValueInfo.newBuilder().setName("kept").setKind(Kind.SHARED).setDtype(DType.INT).addAllParties(p.names)
          .setLength(1).build());
      assertThat(p.run(List.of(p.reveal("kept + 1"))).get(0)).containsExactly(dot + 1);
    }
  }

  @Seeded(value = 1, parties = {2, 3, 5})
  void stepsAcrossElementsRunWhole(int n, long seed) {
    System.out.printf("seed=%d parties=%d%n", seed, n);
    Random rnd = new Random(seed);
    int len = 3 * BLOCK + 5;
    Parties p = new Parties(n);
    long[] a = longs(rnd, len), b = longs(rnd, len);
    p.input("a", 0, a, false);
    p.input("b", 1 % n, b, false);
    List<Compiler.Output> outputs = List.of(p.reveal("sum(a * b) + a * b"), p.reveal("dot(a, b)"));
    Plan plan = Compiler.compile(outputs, p.names, p.catalog::get, F).plan();
    assertThat(Blocks.length(plan, BLOCK)).isZero();
    List<long[]> got = p.run(outputs);
    long dot = 0;
    for (int i = 0; i < len; i++) dot += a[i] * b[i];
    for (int i = 0; i < len; i++) assertThat(got.get(0)[i]).isEqualTo(dot + a[i] * b[i]);
    assertThat(got.get(1)).containsExactly(dot);
  }

  @Test
  void theFootprintOfAStreamedPlanIsBoundedByTheBlock() {
    Parties p = new Parties(3);
    int len = 1 << 24;
    p.catalog.put("a", ProtocolTest.info("a", "p0", len));
    p.catalog.put("b", ProtocolTest.info("b", "p1", len));
    Plan plan = Compiler.compile(List.of(p.reveal("(a * b) < a")), p.names, p.catalog::get, F).plan();
    long whole = Footprint.bytes(plan, 3, name -> len, 1 << 26 /* never streams */);
    long streamed = Footprint.bytes(plan, 3, name -> len, Blocks.DEFAULT);
    // nothing stays whole: the inputs are read and the revealed output sent a block at a time
    long block = 8L * Blocks.DEFAULT;
    assertThat(streamed).isLessThan(whole / 8).isBetween(8 * block, 40 * block); // a comparison's working set, whatever the length
    assertThat(Blocks.count(plan, Blocks.DEFAULT)).isEqualTo(16);
  }

  /** A sum the plan overwrites before its tail (a second SUM, a constant) is not the one a whole run leaves: whole. */
  @Test
  void aSumOverwrittenBeforeTheTailKeepsThePlanWhole() {
    int len = 3 * BLOCK;
    Instr a = Instr.newBuilder().setOp(Op.SHARE).addDst(0).setName("a").setParty("p0").setLength(len).build();
    Instr b = Instr.newBuilder().setOp(Op.SHARE).addDst(2).setName("b").setParty("p1").setLength(len).build();
    Instr zero = Instr.newBuilder().setOp(Op.CONST).addDst(1).setConstant(com.google.protobuf.ByteString.copyFrom(new byte[8])).build();
    Instr reveal = Instr.newBuilder().setOp(Op.REVEAL).addSrc(1).setParty("p1").build();
    Plan once = plan(a, sum(0, 1), free(0), reveal);
    assertThat(Blocks.length(once, BLOCK)).isEqualTo(len);
    assertThat(Blocks.layout(once, BLOCK).tail()).isEqualTo(3);
    assertThat(Blocks.length(plan(a, b, sum(0, 1), sum(2, 1), free(0), free(2), reveal), BLOCK)).as("two sums into one register").isZero();
    assertThat(Blocks.length(plan(a, sum(0, 1), zero, free(0), reveal), BLOCK)).as("a sum overwritten by a constant").isZero();
  }

  /** What a streamed plan's tail builds from its sums runs whole, and is estimated whole, not as a block. */
  @Test
  void theFootprintOfATailIsNotCappedByTheBlock() {
    int len = 1 << 22, built = 1 << 21;
    Plan.Builder p = Plan.newBuilder().addInstrs(Instr.newBuilder().setOp(Op.SHARE).addDst(0).setName("a").setParty("p0").setLength(len))
        .addInstrs(sum(0, 1)).addInstrs(free(0));
    for (int r = 1; (1L << r) <= built; r++) p.addInstrs(Instr.newBuilder().setOp(Op.CONCAT).addDst(r + 1).addSrc(r).addSrc(r));
    int last = Integer.numberOfTrailingZeros(built) + 1;
    p.addInstrs(Instr.newBuilder().setOp(Op.COMPARE).addDst(100).addSrc(last).setModes(com.google.protobuf.ByteString.copyFrom(new byte[1])))
        .addInstrs(Instr.newBuilder().setOp(Op.REVEAL).addSrc(100).setParty("p1"));
    Plan plan = p.build();
    assertThat(Blocks.length(plan, Blocks.DEFAULT)).as("streams").isEqualTo(len);
    assertThat(Footprint.bytes(plan, 3, name -> len, Blocks.DEFAULT)).as("the tail's comparison of %d elements", built)
        .isGreaterThan(8L * built * 14);
  }

  private static Plan plan(Instr... steps) {
    return Plan.newBuilder().addAllInstrs(List.of(steps)).build();
  }

  private static Instr sum(int src, int dst) {
    return Instr.newBuilder().setOp(Op.SUM).addSrc(src).addDst(dst).build();
  }

  private static Instr free(int r) {
    return Instr.newBuilder().setOp(Op.FREE).addSrc(r).build();
  }

  @Test
  void aBlockMustBeAMultipleOf64() {
    assertThatThrownBy(() -> Blocks.check(100)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("multiple of 64");
  }

  private static long[] longs(Random rnd, int len) {
    long[] v = new long[len];
    for (int i = 0; i < len; i++) v[i] = Seeds.anyLong(rnd);
    return v;
  }

  /** Fixed-point reals in (-2^14, 2^14) with f fractional bits: products below 2^58, as truncation needs. */
  private static long[] reals(Random rnd, int len) {
    long[] v = new long[len];
    for (int i = 0; i < len; i++) v[i] = rnd.nextLong() >> (64 - 14 - F);
    return v;
  }
}
