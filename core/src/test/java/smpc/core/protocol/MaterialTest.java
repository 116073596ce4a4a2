package smpc.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import smpc.core.ring.Prg;
import smpc.proto.Plan;

class MaterialTest {
  /** Three matrix triples: C elements [0, 4), [4, 6) and [6, 15), so items [7, 12) lie inside the third. */
  private static final MatrixSchedule MATRICES = MatrixSchedule.of(java.util.List.of(
      smpc.proto.MatShape.newBuilder().setN(2).setM(3).setK(2).build(),
      smpc.proto.MatShape.newBuilder().setN(1).setM(2).setK(2).build(),
      smpc.proto.MatShape.newBuilder().setN(3).setM(1).setK(3).build()));

  /** What the dealer sends per item (and the party reads back) is what Streams computes for the kind. */
  @Test
  void correctionWidthsAreWhatStreamsComputes() {
    byte[][] seeds = {Prg.freshSeed(), Prg.freshSeed(), Prg.freshSeed()};
    for (Material kind : Material.values()) {
      long[][] corr = Streams.corrections(kind, seeds, Prg.freshSeed(), TruncSchedule.uniform(16), MATRICES, 7, 5);
      assertThat(corr.length).as("%s", kind).isEqualTo(kind.correctionWords);
      for (long[] component : corr) assertThat(component).as("%s", kind).hasSize(5);
    }
  }

  @Test
  void countsTravelByKind() {
    Plan plan = Plan.newBuilder().addAllMaterial(Material.counts(Map.of(Material.DABIT, 3L, Material.TRIPLE, 5L))).build();
    assertThat(Material.TRIPLE.in(plan)).isEqualTo(5);
    assertThat(Material.DABIT.in(plan)).isEqualTo(3);
    assertThat(Material.AND_PAIR.in(plan)).isZero();
    assertThat(Material.AND_PAIR.in(Plan.getDefaultInstance())).isZero();
  }
}
