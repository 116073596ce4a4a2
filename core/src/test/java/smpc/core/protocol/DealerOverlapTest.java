package smpc.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import smpc.core.expr.Compiler;
import smpc.core.expr.Parser;
import smpc.core.ring.Packing;
import smpc.core.testing.Seeded;
import smpc.proto.Plan;

/**
 * The designated party sends its Beaver opening before it asks the dealer for its corrections (Beaver.multiply): the
 * product needs them, the opening does not, so over a wide-area link the dealer's round trip overlaps the opening's.
 * Its dealer link here refuses a request for triple, square or matrix triple corrections made before its opening of
 * that step left; the products must still be exact, over 2, 3 and 5 parties.
 */
class DealerOverlapTest {
  @Seeded(value = 2, parties = {2, 3, 5})
  void theDesignatedPartysOpeningDoesNotWaitForTheDealer(int n, long seed) {
    Random rnd = new Random(seed);
    LocalProtocol.Stores p = new LocalProtocol.Stores(n);
    int len = 1 + rnd.nextInt(100);
    long[] a = LocalProtocol.anyLongs(rnd, len), b = LocalProtocol.anyLongs(rnd, len);
    p.input("a", 0, a, 0);
    p.input("b", n - 1, b, 0);
    Plan plan = Compiler.compile(List.of(Compiler.Output.reveal(Parser.parse("a * b + a * a"), p.names.get(n - 1))), p.names,
        p.catalog::get, LocalProtocol.FRAC_BITS).plan();
    assertThat(Material.TRIPLE.in(plan)).isPositive();
    assertThat(Material.SQUARE.in(plan)).isPositive();
    List<Material> asked = new ArrayList<>();
    long[] got = run(p, plan, asked, seed);
    assertThat(asked).containsExactlyInAnyOrder(Material.TRIPLE, Material.SQUARE);
    for (int i = 0; i < len; i++) assertThat(got[i]).as("seed %d, element %d", seed, i).isEqualTo(a[i] * b[i] + a[i] * a[i]);
  }

  @Seeded(value = 2, parties = {2, 3, 5})
  void aMatrixProductsOpeningDoesNotWaitForTheDealerEither(int n, long seed) {
    Random rnd = new Random(seed);
    LocalProtocol.Stores p = new LocalProtocol.Stores(n);
    int rows = 1 + rnd.nextInt(5), inner = 1 + rnd.nextInt(5), cols = 1 + rnd.nextInt(5);
    long[] x = LocalProtocol.anyLongs(rnd, rows * inner), y = LocalProtocol.anyLongs(rnd, inner * cols);
    p.input("x", 0, x, inner);
    p.input("y", n - 1, y, cols);
    Plan plan = Compiler.compile(List.of(Compiler.Output.reveal(Parser.parse("x @ y"), p.names.get(n - 1))), p.names, p.catalog::get,
        LocalProtocol.FRAC_BITS).plan();
    List<Material> asked = new ArrayList<>();
    long[] got = run(p, plan, asked, seed);
    assertThat(asked).contains(Material.MATRIX_TRIPLE);
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        long want = 0;
        for (int i = 0; i < inner; i++) want += x[r * inner + i] * y[i * cols + c];
        assertThat(got[r * cols + c]).as("seed %d, element (%d, %d)", seed, r, c).isEqualTo(want);
      }
    }
  }

  /**
   * Runs the plan, the designated party's dealer link refusing corrections of a kind before its opening of that step
   * left (and listing the kinds in {@code asked}); what the last party had revealed.
   */
  private static long[] run(LocalProtocol.Stores p, Plan plan, List<Material> asked, long seed) {
    List<LocalProtocol.Message> log = new ArrayList<>();
    List<PlanRunner.Outcome> out = LocalProtocol.run(plan, p.names, p.reads(), log, Blocks.DEFAULT, RevealRoutes.VIA_RECIPIENT, kind -> {
      synchronized (log) {
        boolean opened = log.stream().anyMatch(m -> m.from() == 0 && m.tag().startsWith(kind == Material.MATRIX_TRIPLE ? "mm/" : "m/"));
        if (!opened) throw new IllegalStateException("seed " + seed + ": the designated party asked for " + kind + " before its opening left");
        asked.add(kind);
      }
    });
    return Packing.fromByteString(out.get(p.names.size() - 1).revealed().get(0).getData());
  }
}
