package smpc.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import smpc.core.expr.Compiler;
import smpc.core.expr.Parser;
import smpc.core.ring.Prg;
import smpc.core.testing.Seeded;
import smpc.core.testing.Seeds;
import smpc.proto.DType;
import smpc.proto.Kind;
import smpc.proto.MatShape;
import smpc.proto.Op;
import smpc.proto.Plan;
import smpc.proto.ValueInfo;

/** Dealer matrix triples: their shares and corrections, what a MATMUL step sends, and the shapes the compiler checks. */
class MatrixTripleTest {
  private static MatShape shape(int n, int m, int k) {
    return MatShape.newBuilder().setN(n).setM(m).setK(k).build();
  }

  /** Every party's shares plus the designated party's corrections, for any range of the C stream, make C = AB. */
  @Seeded(value = 5, parties = {2, 3, 5})
  void sharesAndCorrectionsReconstructToProducts(int n, long seed) {
    Random rnd = new Random(seed);
    List<MatShape> shapes = new ArrayList<>();
    for (int t = 0; t < 4; t++) shapes.add(shape(1 + rnd.nextInt(5), 1 + rnd.nextInt(5), 1 + rnd.nextInt(5)));
    MatrixSchedule schedule = MatrixSchedule.of(shapes);
    byte[][] seeds = new byte[n][];
    for (int i = 0; i < n; i++) seeds[i] = Prg.freshSeed();
    long total = schedule.cStart(schedule.size());
    int from = rnd.nextInt((int) total), count = 1 + rnd.nextInt((int) total - from);
    long[] c0 = Streams.matrixCorrections(seeds, schedule, from, count); // a range cutting triples anywhere
    for (int t = 0; t < schedule.size(); t++) {
      long[] s = schedule.shape(t);
      long[] a = new long[(int) (s[0] * s[1])], b = new long[(int) (s[1] * s[2])], c = new long[(int) (s[0] * s[2])];
      for (int i = 0; i < n; i++) {
        long[][] abc = Streams.matrixShares(seeds[i], i == 0, schedule, t, null);
        smpc.core.ring.Ring.addInPlace(a, abc[0]);
        smpc.core.ring.Ring.addInPlace(b, abc[1]);
        if (i > 0) smpc.core.ring.Ring.addInPlace(c, abc[2]);
      }
      long[] want = ProtocolSuite.product(a, b, (int) s[0], (int) s[1], (int) s[2]);
      for (int e = 0; e < c.length; e++) {
        long pos = schedule.cStart(t) + e;
        if (pos >= from && pos < from + count) assertThat(c[e] + c0[(int) (pos - from)]).as("triple %d element %d", t, e).isEqualTo(want[e]);
      }
    }
  }

  /**
   * X (n x m) at p0 times Y (m x k) at p1, revealed to the last party: one MATMUL step in which every party
   * sends each peer its n·m + m·k masked elements, 8 bytes each, and the dealer's n·k corrections; the cost
   * estimate says so before the session runs.
   */
  @Seeded(value = 1, parties = {2, 3, 5})
  void aProductOpensNmPlusMkElementsPerParty(int parties, long seed) {
    Random rnd = new Random(seed);
    int n = 20 + rnd.nextInt(30), m = 2 + rnd.nextInt(6), k = 1 + rnd.nextInt(3);
    long[] x = Seeds.longs(rnd, n * m, n * m), y = Seeds.longs(rnd, m * k, m * k);
    List<String> names = ProtocolTest.parties(parties);
    Map<String, ValueInfo> catalog = Map.of("x", info("x", names.get(0), n * m, m), "y", info("y", names.get(1), m * k, k));
    Compiler.Compiled c = Compiler.compile(List.of(Compiler.Output.reveal(Parser.parse("x @ y"), names.get(parties - 1))), names,
        catalog::get, 16);
    Plan plan = c.plan();
    assertThat(plan.getInstrsList().stream().filter(i -> i.getOp() == Op.MATMUL).count()).isEqualTo(1);
    assertThat(plan.getInstrsList().stream().filter(i -> i.getOp() == Op.MUL).count()).isZero();
    assertThat(Material.MATRIX_TRIPLE.in(plan)).isEqualTo((long) n * k);
    assertThat(plan.getMatShapesList()).containsExactly(shape(n, m, k));
    List<Function<String, StoredValue>> stores = new ArrayList<>();
    for (int i = 0; i < parties; i++) {
      int me = i;
      stores.add(name -> {
        ValueInfo info = catalog.get(name);
        return info != null && info.getOwner().equals(names.get(me)) ? new StoredValue(info, name.equals("x") ? x : y) : null;
      });
    }
    List<LocalProtocol.Message> log = new ArrayList<>();
    List<PlanRunner.Outcome> out = LocalProtocol.run(plan, names, stores, log);
    assertThat(smpc.core.ring.Packing.fromByteString(out.get(parties - 1).revealed().get(0).getData()))
        .containsExactly(ProtocolSuite.product(x, y, n, m, k));
    Estimate.Cost cost = Estimate.of(plan, names, 16, name -> catalog.get(name).getLength());
    for (int i = 0; i < parties; i++) {
      assertThat(cost.bytesSent()[i]).as("party %d's bytes, as estimated", i).isEqualTo(out.get(i).stats().getBytesSent());
      int me = i;
      List<LocalProtocol.Message> mine = log.stream().filter(msg -> msg.from() == me && msg.tag().startsWith("mm/")).toList();
      assertThat(mine).as("party %d's MATMUL messages", i).hasSize(parties - 1)
          .allSatisfy(msg -> assertThat(msg.payload()).hasSize(8 * (n * m + m * k)));
      long shares = 0 /* the input seeds ride on the agreement (InputSeeds) */, reveals = i == parties - 1 ? 0 : 8L * n * k;
      assertThat(out.get(i).stats().getBytesSent()).as("party %d's bytes", i)
          .isEqualTo(8L * (n * m + m * k) * (parties - 1) + shares + reveals);
      assertThat(Material.MATRIX_TRIPLE.in(out.get(i).stats())).isEqualTo((long) n * k);
    }
  }

  private static ValueInfo info(String name, String owner, int len, int cols) {
    return ValueInfo.newBuilder().setName(name).setKind(Kind.PRIVATE).setDtype(DType.INT).setOwner(owner).setLength(len)
        .setCols(cols).build();
  }

  private static Plan compile(String expr) {
    List<String> names = List.of("p0", "p1");
    Map<String, ValueInfo> catalog = Map.of("x", info("x", "p0", 12, 3), "y", info("y", "p1", 15, 5), "v", info("v", "p1", 3, 0));
    return Compiler.compile(List.of(Compiler.Output.reveal(Parser.parse(expr), "p0")), names, catalog::get, 16).plan();
  }

  @Test
  void shapesAreCheckedAtCompileTimeWithOneLineErrors() {
    assertThatThrownBy(() -> compile("x @ x")).hasMessage("matmul of 4x3 by 4x3: the inner dimensions differ (3 and 4) in x @ x");
    assertThatThrownBy(() -> compile("x + v"))
        .hasMessage("shapes 4x3 and 3x1 do not broadcast in x + v (a vector is a column; transpose(v) is a row)");
    assertThatThrownBy(() -> compile("hstack(x, y)")).hasMessage("hstack needs equal numbers of rows, got 4x3 and 3x5 in hstack(x, y)");
    assertThatThrownBy(() -> compile("vstack(x, y)")).hasMessage("vstack needs equal numbers of columns, got 4x3 and 3x5 in vstack(x, y)");
    assertThatThrownBy(() -> compile("rows(x, 3, 2)")).hasMessage("rows [3, +2) outside a 4x3 matrix in rows(x, 3, 2)");
    assertThatThrownBy(() -> compile("cols(y, 4, 2)")).hasMessage("columns [4, +2) outside a 3x5 matrix in cols(y, 4, 2)");
    assertThatThrownBy(() -> compile("reshape(v, 2, 2)")).hasMessage("reshape of 3 elements to 2x2 in reshape(v, 2, 2)");
    assertThat(compile("x + transpose(v)").getInstrsCount()).isPositive();
    assertThatThrownBy(() -> compile("reshape(tile(concat(1, 2), 524288), 8192, 128) @ reshape(tile(concat(1, 2), 524288), 128, 8192)"))
        .hasMessageStartingWith("matmul of 8192x128 by 128x8192 is too large");
  }

  @Test
  void aProductWithAPublicMatrixIsLocalAndASecretOneTakesItsTripleInTheRoundItIsReady() {
    Plan local = compile("x @ concat(1, 2, 3)");
    assertThat(local.getInstrsList()).noneMatch(i -> i.getOp() == Op.MATMUL || i.getOp() == Op.MUL);
    assertThat(local.getMatShapesCount()).isZero();
    Plan two = compile("(x @ y) @ transpose(y)"); // two rounds: one triple each, in plan order
    assertThat(two.getMatShapesList()).containsExactly(shape(4, 3, 5), shape(4, 5, 3));
    assertThat(Material.MATRIX_TRIPLE.in(two)).isEqualTo(4 * 5 + 4 * 3);
  }
  /** A stored product and a revealed transpose keep their columns in their metadata; a vector has none; a STORE's columns must divide its length. */
  @Test
  void aStoredOrRevealedMatrixKeepsItsShape() {
    List<String> names = List.of("p0", "p1");
    Map<String, ValueInfo> catalog = Map.of("x", info("x", "p0", 12, 3), "y", info("y", "p1", 15, 5), "v", info("v", "p1", 3, 0));
    Plan plan = Compiler.compile(List.of(Compiler.Output.store(Parser.parse("x @ y"), "z"), new Compiler.Output(Parser.parse("transpose(x)"), "p0", "xt", null),
        Compiler.Output.reveal(Parser.parse("v + v"), "p0")), names, catalog::get, 16).plan();
    List<Function<String, StoredValue>> stores = new ArrayList<>();
    for (String me : names) {
      stores.add(name -> catalog.get(name).getOwner().equals(me) ? new StoredValue(catalog.get(name), new long[(int) catalog.get(name).getLength()]) : null);
    }
    PlanRunner.Outcome p0 = LocalProtocol.run(plan, names, stores, null).get(0);
    assertThat(p0.stores()).extracting(s -> s.value().info().getName() + " " + s.value().info().getLength() + "/" + s.value().info().getCols())
        .containsExactlyInAnyOrder("z 20/5", "xt 12/4");
    assertThat(p0.revealed()).extracting(r -> r.getCols()).containsExactly(4L, 0L);
    int at = 0;
    while (plan.getInstrs(at).getOp() != Op.STORE) at++;
    Plan bad = plan.toBuilder().setInstrs(at, plan.getInstrs(at).toBuilder().setCols(7)).build();
    assertThatThrownBy(() -> LocalProtocol.run(bad, names, stores, null)).hasRootCauseMessage("STORE of 20 elements as a matrix of 7 columns");
  }
}
