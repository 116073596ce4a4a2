package smpc.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import smpc.core.expr.Compiler;
import smpc.core.expr.Parser;
import smpc.proto.DType;
import smpc.proto.Instr;
import smpc.proto.Kind;
import smpc.proto.Op;
import smpc.proto.Plan;
import smpc.proto.ValueInfo;

class FootprintTest {
  static final List<String> ABC = List.of("alice", "bob", "carol");
  static final long MIB = 1 << 20;

  static ValueInfo priv(String n, String owner, long len) {
    return ValueInfo.newBuilder().setName(n).setKind(Kind.PRIVATE).setDtype(DType.INT).setOwner(owner).setLength(len).build();
  }

  static Plan compile(String expr, long n) {
    Map<String, ValueInfo> catalog = Map.of("x", priv("x", "alice", n), "y", priv("y", "bob", n));
    return Compiler.compile(List.of(Compiler.Output.reveal(Parser.parse(expr), "alice")), ABC, catalog::get).plan();
  }

  @Test
  void benchWorkloadsAtTenMillionStreamInBlocksAndFitTheDefaultBudgetOfAThreePartyLocalCluster() {
    // `cluster up` gives each of 3 parties and the dealer 18.75% of RAM: 4.5 GB of heap here, 80% for sessions
    long budget = (long) (24e9 * 0.1875 * 0.8);
    long n = 10_000_000;
    Plan w2 = compile("x*y", n), w3 = compile("x < y", n);
    long w2Whole = Footprint.bytes(w2, 3, name -> 0, 1 << 26), w3Whole = Footprint.bytes(w3, 3, name -> 0, 1 << 26);
    long w2Blocks = Footprint.bytes(w2, 3, name -> 0), w3Blocks = Footprint.bytes(w3, 3, name -> 0);
    System.out.printf("W2 at 10^7: %d MiB whole, %d MiB in blocks; W3: %d / %d MiB; budget %d MiB%n", w2Whole / MIB, w2Blocks / MIB,
        w3Whole / MIB, w3Blocks / MIB, budget / MIB);
    assertThat(w2Whole).isBetween(n * 8 * 8, budget); // at least its registers and a Beaver round
    assertThat(w3Whole).isBetween(n * 8 * 12, budget);
    // in blocks: one block's working set; inputs are read and the revealed output sent by the block
    long block = 8L * Blocks.DEFAULT;
    assertThat(w2Blocks).isBetween(8 * block, 20 * block);
    assertThat(w3Blocks).isBetween(12 * block, 40 * block);
  }

  @Test
  void aChainOfConcatenationsCountsEveryLiveRegister() {
    Plan.Builder p = Plan.newBuilder().addInstrs(Instr.newBuilder().setOp(Op.CONST).addDst(0)
        .setConstant(com.google.protobuf.ByteString.copyFrom(new byte[8])));
    for (int r = 1; r <= 26; r++) p.addInstrs(Instr.newBuilder().setOp(Op.CONCAT).addDst(r).addSrc(r - 1).addSrc(r - 1));
    long doubling = Footprint.bytes(p.build(), 3, name -> 0);
    assertThat(doubling).isEqualTo(8L * ((1L << 27) - 1)); // 1 + 2 + ... + 2^26 elements, all live
    for (int r = 27; r < 40; r++) p.addInstrs(Instr.newBuilder().setOp(Op.CONCAT).addDst(r).addSrc(25).addSrc(25));
    assertThat(Footprint.bytes(p.build(), 3, name -> 0)).isGreaterThan(doubling + 13 * 8L * (1 << 26) - 1);
  }

  @Test
  void freedRegistersAreGivenBack() {
    Plan.Builder p = Plan.newBuilder();
    com.google.protobuf.ByteString c = com.google.protobuf.ByteString.copyFrom(new byte[8 * 1000]);
    for (int k = 0; k < 10; k++) {
      p.addInstrs(Instr.newBuilder().setOp(Op.CONST).addDst(k).setConstant(c));
      p.addInstrs(Instr.newBuilder().setOp(Op.FREE).addSrc(k));
    }
    assertThat(Footprint.bytes(p.build(), 2, name -> 0)).isEqualTo(8 * 1000);
  }

  @Test
  void aShareOfUndeclaredLengthCountsTheLongestVector() {
    Plan p = Plan.newBuilder().addInstrs(Instr.newBuilder().setOp(Op.SHARE).addDst(0).setName("x").setParty("alice")).build();
    assertThat(Footprint.bytes(p, 2, name -> 5)).isGreaterThanOrEqualTo(8L * Limits.MAX_LENGTH);
  }
}
