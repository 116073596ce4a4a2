package smpc.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import smpc.core.expr.Compiler;
import smpc.core.expr.Parser;
import smpc.core.testing.Seeded;
import smpc.core.testing.Seeds;
import smpc.proto.DType;
import smpc.proto.Kind;
import smpc.proto.Plan;
import smpc.proto.ValueInfo;

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
    List<String> names = ProtocolTest.parties(n);
    int len = 1 + rnd.nextInt(100);
    long[] a = new long[len], b = new long[len];
    for (int i = 0; i < len; i++) {
      a[i] = Seeds.anyLong(rnd);
      b[i] = Seeds.anyLong(rnd);
    }
    List<Map<String, StoredValue>> stores = new ArrayList<>();
    for (int j = 0; j < n; j++) stores.add(new HashMap<>());
    Map<String, ValueInfo> catalog = new HashMap<>();
    for (String name : List.of("a", "b")) {
      int owner = name.equals("a") ? 0 : n - 1;
      ValueInfo info = ValueInfo.newBuilder().setName(name).setKind(Kind.PRIVATE).setDtype(DType.INT).setOwner(names.get(owner))
          .addProvenance(names.get(owner)).setLength(len).build();
      catalog.put(name, info);
      stores.get(owner).put(name, new StoredValue(info, name.equals("a") ? a : b));
    }
    Plan plan = Compiler.compile(List.of(Compiler.Output.reveal(Parser.parse("a * b + a * a"), names.get(n - 1))), names, catalog::get,
        LocalProtocol.FRAC_BITS).plan();
    assertThat(Material.TRIPLE.in(plan)).isPositive();
    assertThat(Material.SQUARE.in(plan)).isPositive();
    List<LocalProtocol.Message> log = new ArrayList<>();
    List<Material> asked = new ArrayList<>();
    List<Function<String, StoredValue>> reads = stores.stream().map(s -> (Function<String, StoredValue>) s::get).toList();
    List<PlanRunner.Outcome> out = LocalProtocol.run(plan, names, reads, log, Blocks.DEFAULT, RevealRoutes.VIA_RECIPIENT,
        afterOpening(log, asked, seed));
    assertThat(asked).containsExactlyInAnyOrder(Material.TRIPLE, Material.SQUARE);
    long[] got = smpc.core.ring.Packing.fromByteString(out.get(n - 1).revealed().get(0).getData());
    for (int i = 0; i < len; i++) assertThat(got[i]).as("seed %d, element %d", seed, i).isEqualTo(a[i] * b[i] + a[i] * a[i]);
  }

  @Seeded(value = 2, parties = {2, 3, 5})
  void aMatrixProductsOpeningDoesNotWaitForTheDealerEither(int n, long seed) {
    Random rnd = new Random(seed);
    List<String> names = ProtocolTest.parties(n);
    int rows = 1 + rnd.nextInt(5), inner = 1 + rnd.nextInt(5), cols = 1 + rnd.nextInt(5);
    long[] x = new long[rows * inner], y = new long[inner * cols];
    for (int i = 0; i < x.length; i++) x[i] = Seeds.anyLong(rnd);
    for (int i = 0; i < y.length; i++) y[i] = Seeds.anyLong(rnd);
    List<Map<String, StoredValue>> stores = new ArrayList<>();
    for (int j = 0; j < n; j++) stores.add(new HashMap<>());
    Map<String, ValueInfo> catalog = new HashMap<>();
    for (String name : List.of("x", "y")) {
      int owner = name.equals("x") ? 0 : n - 1;
      long[] v = name.equals("x") ? x : y;
      ValueInfo info = ValueInfo.newBuilder().setName(name).setKind(Kind.PRIVATE).setDtype(DType.INT).setOwner(names.get(owner))
          .addProvenance(names.get(owner)).setLength(v.length).setCols(name.equals("x") ? inner : cols).build();
      catalog.put(name, info);
      stores.get(owner).put(name, new StoredValue(info, v));
    }
    Plan plan = Compiler.compile(List.of(Compiler.Output.reveal(Parser.parse("x @ y"), names.get(n - 1))), names, catalog::get,
        LocalProtocol.FRAC_BITS).plan();
    List<LocalProtocol.Message> log = new ArrayList<>();
    List<Material> asked = new ArrayList<>();
    List<Function<String, StoredValue>> reads = stores.stream().map(s -> (Function<String, StoredValue>) s::get).toList();
    List<PlanRunner.Outcome> out = LocalProtocol.run(plan, names, reads, log, Blocks.DEFAULT, RevealRoutes.VIA_RECIPIENT,
        afterOpening(log, asked, seed));
    assertThat(asked).contains(Material.MATRIX_TRIPLE);
    long[] got = smpc.core.ring.Packing.fromByteString(out.get(n - 1).revealed().get(0).getData());
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        long want = 0;
        for (int i = 0; i < inner; i++) want += x[r * inner + i] * y[i * cols + c];
        assertThat(got[r * cols + c]).as("seed %d, element (%d, %d)", seed, r, c).isEqualTo(want);
      }
    }
  }

  /** The designated party's dealer link: refuses corrections of a kind before its opening of that step left. */
  private static java.util.function.Consumer<Material> afterOpening(List<LocalProtocol.Message> log, List<Material> asked, long seed) {
    return kind -> {
      synchronized (log) {
        boolean opened = log.stream().anyMatch(m -> m.from() == 0 && m.tag().startsWith(kind == Material.MATRIX_TRIPLE ? "mm/" : "m/"));
        if (!opened) throw new IllegalStateException("seed " + seed + ": the designated party asked for " + kind + " before its opening left");
        asked.add(kind);
      }
    };
  }
}
