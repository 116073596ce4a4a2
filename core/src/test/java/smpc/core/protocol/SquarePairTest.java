package smpc.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import smpc.core.expr.Compiler;
import smpc.core.expr.Parser;
import smpc.core.ring.Prg;
import smpc.core.testing.Seeded;
import smpc.core.testing.Seeds;
import smpc.proto.DType;
import smpc.proto.Kind;
import smpc.proto.Op;
import smpc.proto.Plan;
import smpc.proto.ValueInfo;

/** Square pairs (a, a²): their shares and corrections, and a MUL step mixing squares and products. */
class SquarePairTest {
  /** Every party's shares plus the designated party's corrections, for any range of the stream, make c = a². */
  @Seeded(value = 5, parties = {2, 3, 5})
  void sharesAndCorrectionsReconstructToSquares(int n, long seed) {
    Random rnd = new Random(seed);
    byte[][] seeds = new byte[n][];
    for (int i = 0; i < n; i++) seeds[i] = Prg.freshSeed();
    long start = rnd.nextInt(1000);
    int count = 1 + rnd.nextInt(200);
    long[] a = new long[count], c = Streams.squareCorrections(seeds, start, count);
    for (int i = 0; i < n; i++) {
      long[][] ac = Streams.squareShares(seeds[i], i == 0, start, count);
      smpc.core.ring.Ring.addInPlace(a, ac[0]);
      assertThat(ac[1] == null).isEqualTo(i == 0);
      if (i > 0) smpc.core.ring.Ring.addInPlace(c, ac[1]);
    }
    for (int k = 0; k < count; k++) assertThat(c[k]).as("pair %d", k).isEqualTo(a[k] * a[k]);
  }

  /**
   * x*x + x*y − y*y at x, y of random length (integers, exact): one MUL step with two squares and a product,
   * each square one opened word per element, the product two; material and bytes as the estimate says.
   */
  @Seeded(value = 3, parties = {2, 3, 5})
  void aStepOfSquaresAndProductsIsExactAndOpensOneWordPerSquare(int parties, long seed) {
    Random rnd = new Random(seed);
    int len = 1 + rnd.nextInt(300);
    long[] x = Seeds.longs(rnd, len, len), y = Seeds.longs(rnd, len, len);
    List<String> names = ProtocolTest.parties(parties);
    Map<String, ValueInfo> catalog = Map.of("x", info("x", names.get(0), len), "y", info("y", names.get(1), len));
    Plan plan = Compiler.compile(List.of(Compiler.Output.reveal(Parser.parse("x*x + x*y - y*y"), names.get(parties - 1))), names,
        catalog::get, 16).plan();
    assertThat(plan.getInstrsList().stream().filter(i -> i.getOp() == Op.MUL).toList()).hasSize(1);
    assertThat(Material.SQUARE.in(plan)).isEqualTo(2L * len);
    assertThat(Material.TRIPLE.in(plan)).isEqualTo(len);
    Map<String, long[]> data = Map.of("x", x, "y", y);
    List<Function<String, StoredValue>> stores = new ArrayList<>();
    for (int i = 0; i < parties; i++) {
      String me = names.get(i);
      stores.add(name -> catalog.containsKey(name) && catalog.get(name).getOwner().equals(me) ? new StoredValue(catalog.get(name), data.get(name)) : null);
    }
    List<PlanRunner.Outcome> out = LocalProtocol.run(plan, names, stores, null);
    long[] got = smpc.core.ring.Packing.fromByteString(out.get(parties - 1).revealed().get(0).getData());
    for (int k = 0; k < len; k++) assertThat(got[k]).as("element %d (seed %d)", k, seed).isEqualTo(x[k] * x[k] + x[k] * y[k] - y[k] * y[k]);
    Estimate.Cost cost = Estimate.of(plan, names, 16, name -> len);
    for (int i = 0; i < parties; i++) {
      long shares = 0 /* the input seeds ride on the agreement (InputSeeds) */, reveal = i == parties - 1 ? 0 : 8L * len;
      assertThat(out.get(i).stats().getBytesSent()).as("party %d's bytes", i).isEqualTo(8L * (parties - 1) * (2 * len + 2 * len) + shares + reveal);
      assertThat(cost.bytesSent()[i]).as("party %d's bytes, as estimated", i).isEqualTo(out.get(i).stats().getBytesSent());
      assertThat(Material.SQUARE.in(out.get(i).stats())).isEqualTo(2L * len);
    }
  }

  private static ValueInfo info(String name, String owner, int len) {
    return ValueInfo.newBuilder().setName(name).setKind(Kind.PRIVATE).setDtype(DType.INT).setOwner(owner).setLength(len).build();
  }
}
