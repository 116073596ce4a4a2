package smpc.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import smpc.core.Failure;
import java.util.List;
import java.util.Map;
import java.util.Random;
import smpc.core.testing.Seeded;
import smpc.proto.Instr;
import smpc.proto.Op;
import smpc.proto.Plan;

/**
 * Random, mostly malformed plans: the runner must refuse each with a clear status (or the argument
 * error that a party turns into INVALID_ARGUMENT), never with another exception.
 */
class PlanFuzzTest {
  @Seeded(2000)
  void malformedPlansFailCleanly(long seed) {
    Random rnd = new Random(seed);
    Plan.Builder plan = Plan.newBuilder().addAllMaterial(Material.counts(Map.of(Material.TRIPLE, rnd.nextInt(3) * 8L,
        Material.TRUNC_PAIR, rnd.nextInt(3) * 8L, Material.COMPARE, rnd.nextInt(3) * 8L, Material.AND_TRIPLE, rnd.nextInt(3) * 96L,
        Material.AND_PAIR, rnd.nextInt(3) * 48L)));
    // two valid registers to start from, so later instructions get past the simplest checks
    plan.addInstrs(Instr.newBuilder().setOp(Op.SHARE).addDst(0).setName("x").setParty("p0"));
    plan.addInstrs(Instr.newBuilder().setOp(Op.CONST).addDst(1).setConstant(ByteString.copyFrom(new byte[8])));
    Op[] ops = Op.values();
    for (int i = 0, n = 1 + rnd.nextInt(6); i < n; i++) {
      Instr.Builder in = Instr.newBuilder().setOp(ops[rnd.nextInt(ops.length - 1)]); // not UNRECOGNIZED
      for (int k = rnd.nextInt(4); k > 0; k--) in.addDst(small(rnd));
      for (int k = rnd.nextInt(5); k > 0; k--) in.addSrc(small(rnd));
      if (rnd.nextBoolean()) in.setName(rnd.nextBoolean() ? "x" : "nosuch");
      if (rnd.nextBoolean()) in.setParty(rnd.nextBoolean() ? "p0" : "zed");
      if (rnd.nextBoolean()) in.setConstant(ByteString.copyFrom(bytes(rnd, rnd.nextInt(25))));
      if (rnd.nextBoolean()) in.setModes(ByteString.copyFrom(bytes(rnd, rnd.nextInt(4))));
      in.setScale(rnd.nextInt(5) == 0 ? 16 : rnd.nextInt(100) - 20);
      in.setOffset(rnd.nextInt(10) - 3).setLength(rnd.nextInt(10) - 3);
      plan.addInstrs(in);
    }
    var store = ProtocolTest.stores(List.of("p0"), Map.of("x", new ProtocolTest.Input(0, new long[] {1, 2, 3})));
    try {
      LocalProtocol.run(plan.build(), List.of("p0"), store, null);
    } catch (java.util.concurrent.CompletionException e) {
      assertThat(e.getCause()).as("plan %s", plan.build()).isInstanceOfAny(Failure.class,
          IllegalArgumentException.class);
    }
  }

  private static int small(Random rnd) {
    return switch (rnd.nextInt(8)) {
      case 0 -> -1;
      case 1 -> Integer.MAX_VALUE;
      default -> rnd.nextInt(3);
    };
  }

  private static byte[] bytes(Random rnd, int n) {
    byte[] b = new byte[n];
    rnd.nextBytes(b);
    return b;
  }
}
