package smpc.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import smpc.core.expr.Compiler;
import smpc.core.expr.Parser;
import smpc.core.testing.Seeded;
import smpc.core.testing.Seeds;
import smpc.proto.DType;
import smpc.proto.Instr;
import smpc.proto.Kind;
import smpc.proto.MatShape;
import smpc.proto.Op;
import smpc.proto.Plan;
import smpc.proto.ValueInfo;

/** Products sharing one mask on their left factor: what the compiler plans, what a party sends, what it refuses. */
class SharedMaskTest {
  /**
   * X (n x d) at p0, w (d) and e (nb) at p1: a batch times the weights, a batch's transpose times the errors
   * and X times the weights share one mask, so each party sends each peer X's n·d masked elements once and
   * then only the right factors (d + nb + d), 8 bytes each; the cost estimate says so before the session.
   */
  @Seeded(value = 2, parties = {2, 3, 5})
  void aMatrixInSeveralProductsIsOpenedOnce(int parties, long seed) {
    Random rnd = new Random(seed);
    int n = 8 + rnd.nextInt(20), d = 2 + rnd.nextInt(5), nb = 1 + rnd.nextInt(n / 2);
    long[] x = Seeds.longs(rnd, n * d, n * d), w = Seeds.longs(rnd, d, d), e = Seeds.longs(rnd, nb, nb);
    List<String> names = ProtocolTest.parties(parties);
    Map<String, ValueInfo> catalog = Map.of("x", info("x", names.get(0), n * d, d), "w", info("w", names.get(1), d, 0),
        "e", info("e", names.get(1), nb, 0));
    Plan plan = compile(names, catalog, "rows(x, 0, " + nb + ") @ w", "transpose(rows(x, " + (n - nb) + ", " + nb + ")) @ e", "x @ w");
    assertThat(plan.getMatShapesList()).extracting(MatShape::getMask).containsExactly(1, 1, 1);
    assertThat(plan.getMatShapesList()).extracting(MatShape::getMaskLen).containsOnly((long) n * d);
    assertThat(plan.getInstrsList()).noneMatch(i -> i.getOp() == Op.GATHER || i.getOp() == Op.SLICE); // views are not computed
    List<Function<String, StoredValue>> stores = new ArrayList<>();
    Map<String, long[]> data = Map.of("x", x, "w", w, "e", e);
    for (int i = 0; i < parties; i++) {
      String me = names.get(i);
      stores.add(name -> catalog.containsKey(name) && catalog.get(name).getOwner().equals(me) ? new StoredValue(catalog.get(name), data.get(name)) : null);
    }
    List<PlanRunner.Outcome> out = LocalProtocol.run(plan, names, stores, null);
    List<long[]> got = out.get(parties - 1).revealed().stream().map(r -> smpc.core.ring.Packing.fromByteString(r.getData())).toList();
    assertThat(got.get(0)).containsExactly(ProtocolSuite.product(Arrays.copyOf(x, nb * d), w, nb, d, 1));
    assertThat(got.get(1)).containsExactly(ProtocolSuite.product(ProtocolSuite.transpose(Arrays.copyOfRange(x, (n - nb) * d, n * d), nb, d), e, d, nb, 1));
    assertThat(got.get(2)).containsExactly(ProtocolSuite.product(x, w, n, d, 1));
    Estimate.Cost cost = Estimate.of(plan, names, 16, name -> catalog.get(name).getLength());
    for (int i = 0; i < parties; i++) {
      long shares = 0 /* the input seeds ride on the agreement (InputSeeds) */, reveals = i == parties - 1 ? 0 : 8L * (nb + d + n);
      assertThat(out.get(i).stats().getBytesSent()).as("party %d's bytes", i)
          .isEqualTo(8L * (parties - 1) * ((long) n * d + d + nb + d) + shares + reveals);
      assertThat(cost.bytesSent()[i]).as("party %d's bytes, as estimated", i).isEqualTo(out.get(i).stats().getBytesSent());
    }
  }

  /**
   * One mask per value: two matrices each in two products get masks 1 and 2, read from their own registers;
   * a plan that names another value for a product of a mask already opened is refused at every party
   * before it sends anything (its D would be the other value's, the product wrong).
   */
  @Test
  void aMaskIsNeverReusedForAnotherValue() {
    List<String> names = ProtocolTest.parties(3);
    Map<String, ValueInfo> catalog = Map.of("x", info("x", "p0", 12, 3), "y", info("y", "p1", 12, 3), "w", info("w", "p2", 3, 0));
    Plan plan = compile(names, catalog, "rows(x, 0, 2) @ w", "x @ w", "rows(y, 1, 2) @ w", "y @ w");
    assertThat(plan.getMatShapesList()).extracting(MatShape::getMask).containsExactly(1, 1, 2, 2);
    Instr mm = plan.getInstrsList().stream().filter(i -> i.getOp() == Op.MATMUL).findFirst().orElseThrow();
    assertThat(mm.getSrc(0)).isEqualTo(mm.getSrc(2)).isNotEqualTo(mm.getSrc(4));
    assertThat(mm.getSrc(4)).isEqualTo(mm.getSrc(6));
    int at = plan.getInstrsList().indexOf(mm);
    Plan swapped = plan.toBuilder().setInstrs(at, mm.toBuilder().setSrc(2, mm.getSrc(4))).build(); // x's mask on y
    Map<String, long[]> data = Map.of("x", Seeds.longs(new Random(1), 12, 12), "y", Seeds.longs(new Random(2), 12, 12), "w", new long[] {1, 2, 3});
    List<Function<String, StoredValue>> stores = new ArrayList<>();
    for (String me : names) {
      stores.add(name -> catalog.get(name).getOwner().equals(me) ? new StoredValue(catalog.get(name), data.get(name)) : null);
    }
    assertThatThrownBy(() -> LocalProtocol.run(swapped, names, stores, null)).hasRootCauseMessage("MATMUL reuses mask 1 for a value other than the one it opened");
  }

  /** The schedule refuses masks numbered out of order, a mask whose length changes, and a view outside its mask. */
  @Test
  void theScheduleRefusesMalformedMasks() {
    MatShape view = MatShape.newBuilder().setN(2).setM(3).setK(1).setMask(1).setMaskLen(12).setOffset(0).setRowStride(3).setColStride(1).build();
    assertThat(MatrixSchedule.of(List.of(view, view.toBuilder().setOffset(6).build())).opensMask(1)).isFalse();
    assertThatThrownBy(() -> MatrixSchedule.of(List.of(view.toBuilder().setMask(2).build())))
        .hasMessage("matrix triple mask 2: masks are numbered 1, 2, ... in order of first use");
    assertThatThrownBy(() -> MatrixSchedule.of(List.of(view, view.toBuilder().setMaskLen(18).build()))).hasMessage("mask 1 has 12 elements, not 18");
    assertThatThrownBy(() -> MatrixSchedule.of(List.of(view.toBuilder().setOffset(7).build())))
        .hasMessage("a 2 x 3 view at 7 with strides 3, 1 outside mask 1 of 12 elements");
  }

  private static Plan compile(List<String> names, Map<String, ValueInfo> catalog, String... exprs) {
    List<Compiler.Output> outs = Arrays.stream(exprs).map(e -> Compiler.Output.reveal(Parser.parse(e), names.get(names.size() - 1))).toList();
    return Compiler.compile(outs, names, catalog::get, 16).plan();
  }

  private static ValueInfo info(String name, String owner, int len, int cols) {
    return ValueInfo.newBuilder().setName(name).setKind(Kind.PRIVATE).setDtype(DType.INT).setOwner(owner).setLength(len).setCols(cols).build();
  }
}
