package smpc.party;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import smpc.core.expr.Compiler;
import smpc.core.expr.Parser;
import smpc.core.protocol.Blocks;
import smpc.core.protocol.Material;
import smpc.core.protocol.StoredValue;
import smpc.core.ring.Packing;
import smpc.proto.DType;
import smpc.proto.Kind;
import smpc.proto.Plan;
import smpc.proto.ValueInfo;

/**
 * The designated party asks the dealer for two blocks of corrections ahead; a plan that runs whole may take more
 * of one kind in one step, and must get them all (it used to wait for chunks nobody had asked for until its
 * deadline), over the party and dealer services on in-process gRPC.
 */
class CorrectionsWindowTest {
  @Test
  void aStepTakingMoreThanTheWindowGetsEveryCorrection() throws Exception {
    long seed = new Random().nextLong();
    System.out.println("seed=" + seed);
    Random rnd = new Random(seed);
    int len = 2 * Blocks.DEFAULT + 2 * Material.TRIPLE.itemsPerChunk(); // one chunk past the window
    long[] x = new long[len], y = new long[len];
    long sum = 0;
    for (int i = 0; i < len; i++) {
      x[i] = rnd.nextLong();
      y[i] = rnd.nextLong();
      sum += x[i];
    }
    List<String> parties = List.of("p0", "p1", "p2");
    try (InProcessCluster c = new InProcessCluster(parties, 16)) {
      c.input(new StoredValue(info("x", "p0", len), x.clone()));
      c.input(new StoredValue(info("y", "p1", len), y.clone()));
      java.util.Map<String, ValueInfo> catalog = java.util.Map.of("x", info("x", "p0", len), "y", info("y", "p1", len));
      // the sum beside the vectors keeps the plan whole: one MUL step takes every triple at once
      Plan plan = Compiler.compile(List.of(Compiler.Output.reveal(Parser.parse("x * y + sum(x)"), "p2")), parties, catalog::get, 16).plan();
      assertThat(Blocks.length(plan, Blocks.DEFAULT)).as("runs whole").isZero();
      long[] got = Packing.fromByteString(c.run(plan).get(2).revealed().get(0).getData());
      assertThat(got).hasSize(len);
      for (int i = 0; i < len; i++) {
        if (got[i] != x[i] * y[i] + sum) throw new AssertionError("element " + i + " (seed " + seed + "): " + got[i] + " != " + (x[i] * y[i] + sum));
      }
    }
  }

  private static ValueInfo info(String name, String owner, int len) {
    return ValueInfo.newBuilder().setName(name).setKind(Kind.PRIVATE).setDtype(DType.INT).setOwner(owner).addProvenance(owner)
        .setLength(len).build();
  }
}
