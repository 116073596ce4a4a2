package smpc.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;
import smpc.core.expr.Compiler;
import smpc.core.expr.Parser;
import smpc.core.ring.Packing;
import smpc.core.testing.Seeded;
import smpc.proto.Plan;
import smpc.proto.Revealed;

/**
 * The designated party sends its Beaver opening before it asks the dealer for its corrections (Beaver.multiply): the
 * product needs them, the opening does not, so over a wide-area link the dealer's round trip overlaps the opening's.
 * Truncations, comparisons (their AND tree too) and normalisations do likewise. Its dealer link here refuses a request
 * for corrections made before its opening of that step left; the results must still be right, over 2, 3 and 5 parties.
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

  /** Integers x (first party's) and y (last party's): x < y exactly, x * 1.5 * 1.5 to a unit of its scale, x / y near (its truncations). */
  @Seeded(value = 2, parties = {2, 3, 5})
  void truncationsComparisonsAndNormalisationsOpenBeforeTheDealerToo(int n, long seed) {
    Random rnd = new Random(seed);
    LocalProtocol.Stores p = new LocalProtocol.Stores(n);
    int len = 1 + rnd.nextInt(20);
    long[] x = new long[len], y = new long[len];
    for (int i = 0; i < len; i++) {
      x[i] = 1 + rnd.nextInt(1000);
      y[i] = i == 0 ? x[i] : 1 + rnd.nextInt(1000); // one tie
    }
    p.input("x", 0, x, 0);
    p.input("y", n - 1, y, 0);
    String last = p.names.get(n - 1);
    Plan plan = Compiler.compile(List.of(Compiler.Output.reveal(Parser.parse("x < y"), last),
        Compiler.Output.reveal(Parser.parse("x * 1.5 * 1.5"), last), Compiler.Output.reveal(Parser.parse("x / y"), last)), p.names,
        p.catalog::get, LocalProtocol.FRAC_BITS).plan();
    List<Material> asked = new ArrayList<>();
    List<Revealed> got = runAll(p, plan, asked, seed);
    assertThat(asked).contains(Material.COMPARE, Material.AND_PAIR, Material.TRUNC_PAIR, Material.AND_TRIPLE, Material.DABIT);
    long[] less = Packing.fromByteString(got.get(0).getData()), scaled = Packing.fromByteString(got.get(1).getData());
    long[] ratio = Packing.fromByteString(got.get(2).getData());
    for (int i = 0; i < len; i++) {
      assertThat(less[i]).as("seed %d, %d < %d", seed, x[i], y[i]).isEqualTo(x[i] < y[i] ? 1 : 0);
      assertThat(scaled[i]).as("seed %d, %d * 2.25", seed, x[i]).isCloseTo(x[i] * 9 << (got.get(1).getScale() - 2), within(1L));
      double r = ratio[i] / Math.pow(2, got.get(2).getScale());
      double want = (double) x[i] / y[i]; // division's documented accuracy (FunctionAccuracyTest, functions.md)
      assertThat(r).as("seed %d, %d / %d", seed, x[i], y[i]).isCloseTo(want, within(Math.max(1e-3 * want, FunctionAccuracyTest.ATOL)));
    }
  }

  /**
   * The opening that must have left before the designated party's corrections of a kind are asked for: the k-th
   * request of a kind waits for the k-th such opening (a matrix product asks once per product after its one opening,
   * a daBit after the opening of x + r it follows).
   */
  private static final Map<Material, Pattern> OPENING = Map.of(Material.TRIPLE, Pattern.compile("m/"), Material.SQUARE, Pattern.compile("m/"),
      Material.MATRIX_TRIPLE, Pattern.compile("mm/"), Material.TRUNC_PAIR, Pattern.compile("t/"), Material.COMPARE, Pattern.compile("c/"),
      Material.AND_PAIR, Pattern.compile("a\\d+/"), Material.AND_TRIPLE, Pattern.compile("o\\d+/"), Material.DABIT, Pattern.compile("c/"));

  /** As {@link #runAll}, the last party's first revealed output. */
  private static long[] run(LocalProtocol.Stores p, Plan plan, List<Material> asked, long seed) {
    return Packing.fromByteString(runAll(p, plan, asked, seed).get(0).getData());
  }

  /**
   * Runs the plan, the designated party's dealer link refusing corrections of a kind before its opening of that step
   * left (and listing the kinds in {@code asked}); what the last party had revealed.
   */
  private static List<Revealed> runAll(LocalProtocol.Stores p, Plan plan, List<Material> asked, long seed) {
    List<LocalProtocol.Message> log = new ArrayList<>();
    List<PlanRunner.Outcome> out = LocalProtocol.run(plan, p.names, p.reads(), log, Blocks.DEFAULT, RevealRoutes.VIA_RECIPIENT, kind -> {
      synchronized (log) {
        Pattern opening = OPENING.get(kind); // a step's tag starts so (never the agreement's, "agree")
        long left = log.stream().filter(m -> m.from() == 0 && opening != null && opening.matcher(m.tag()).lookingAt()).map(LocalProtocol.Message::tag)
            .distinct().count();
        long before = asked.stream().filter(k -> k == kind).count();
        boolean enough = kind == Material.MATRIX_TRIPLE ? left > 0 : left > before;
        if (!enough) throw new IllegalStateException("seed " + seed + ": the designated party asked for " + kind + " before its opening left");
        asked.add(kind);
      }
    });
    return out.get(p.names.size() - 1).revealed();
  }
}
