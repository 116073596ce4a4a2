package smpc.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import smpc.core.expr.Compiler;
import smpc.core.expr.Parser;
import smpc.core.ring.Packing;
import smpc.proto.DType;
import smpc.proto.Instr;
import smpc.proto.Kind;
import smpc.proto.Op;
import smpc.proto.ValueInfo;

/**
 * The pairwise statistics gather n² elements by a pattern (each element k times, or the vector k times), so their plan
 * stays small: a median of 700 values was a 7.9 MB plan, over a party's 4 MiB request limit. The pattern expands to
 * exactly the indices it replaces, and a bad one is refused.
 */
class GatherPatternTest {
  private static Compiler.Compiled compile(String expr, int... lengths) {
    List<String> names = ProtocolTest.parties(3);
    Map<String, ValueInfo> infos = new HashMap<>();
    for (int k = 0; k < lengths.length; k++) {
      infos.put("x" + k, ValueInfo.newBuilder().setName("x" + k).setKind(Kind.PRIVATE).setDtype(DType.INT).setOwner(names.get(k % 3))
          .setLength(lengths[k]).build());
    }
    return Compiler.compile(List.of(Compiler.Output.reveal(Parser.parse(expr), names.get(0))), names, infos::get, 16);
  }

  @Test
  void theLargestPairwiseStatisticsMakeSmallPlans() {
    for (String[] e : new String[][] {{"median(x0)", "2000"}, {"sum(isin(x0, x1))", "2000"}}) {
      var plan = compile(e[0], 2000, 2000).plan();
      assertThat(plan.getSerializedSize()).as(e[0]).isLessThan(64 << 10);
      assertThat(plan.getInstrsList()).as(e[0]).anySatisfy(i -> assertThat(i.getOp() == Op.GATHER && i.getModes().size() == 1).isTrue());
    }
  }

  @Test
  void aPatternExpandsToTheIndicesItReplaces() {
    long seed = new Random().nextLong();
    Random r = new Random(seed);
    for (int trial = 0; trial < 50; trial++) {
      int n = 1 + r.nextInt(40), k = 1 + r.nextInt(40);
      long[] x = r.longs(n).toArray(), rep = new long[n * k], tile = new long[n * k];
      for (int t = 0; t < n * k; t++) {
        rep[t] = t / k;
        tile[t] = t % n;
      }
      assertThat(Rearranging.gather(x, Rearranging.REPEAT, k)).as("seed %d", seed).containsExactly(Rearranging.gather(x, rep));
      assertThat(Rearranging.gather(x, Rearranging.TILE, k)).as("seed %d", seed).containsExactly(Rearranging.gather(x, tile));
    }
  }

  @Test
  void medianAndIsinThroughPatternsMatchPlainComputationOver235Parties() {
    long seed = new Random().nextLong();
    Random r = new Random(seed);
    for (int parties : new int[] {2, 3, 5}) {
      long[] a = r.longs(37, -50, 50).toArray(), b = r.longs(11, -50, 50).toArray();
      long[] sorted = a.clone();
      Arrays.sort(sorted);
      assertThat(StatisticsTest.eval("median(x0)", parties, (Object) a)[0]).as("seed %d, %d parties", seed, parties).isEqualTo(sorted[18]);
      double[] in = StatisticsTest.eval("isin(x0, x1)", parties, a, b);
      for (int i = 0; i < a.length; i++) {
        long ai = a[i];
        assertThat(in[i]).as("seed %d, element %d", seed, i).isEqualTo(Arrays.stream(b).anyMatch(v -> v == ai) ? 1 : 0);
      }
    }
  }

  @Test
  void aBadPatternIsRefused() {
    assertThatThrownBy(() -> Rearranging.gather(new long[3], (byte) 3, 2)).hasMessageContaining("GATHER pattern 3 unknown");
    assertThatThrownBy(() -> Rearranging.gather(new long[3], Rearranging.REPEAT, 0)).hasMessageContaining("GATHER of 3 elements 0 times");
    assertThatThrownBy(() -> Rearranging.checkedPatternLength(1 << 20, Rearranging.TILE, 1 << 20)).hasMessageContaining("at most");
    Instr bad = Instr.newBuilder().setOp(Op.GATHER).setModes(com.google.protobuf.ByteString.copyFrom(new byte[] {1}))
        .setConstant(Packing.toByteString(new long[] {2, 3})).build();
    assertThatThrownBy(() -> PlanRunner.patternCount(bad)).hasMessageContaining("one mode byte and one count");
  }
}
