package smpc.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import smpc.core.ring.Packing;
import smpc.proto.DType;
import smpc.proto.Instr;
import smpc.proto.Op;
import smpc.proto.Plan;

class DigestsTest {
  private static final List<String> PARTIES = List.of("alice", "bob", "carol");
  private static final byte[] SESSION_ID = new byte[16];
  private static final long DEADLINE = 1_700_000_000_000L;

  /** a * b + 3 revealed to alice, also kept by alice as "r", and a * b stored shared as "ab": built afresh each call. */
  private static Plan plan() {
    return Plan.newBuilder()
        .addInstrs(Instr.newBuilder().setOp(Op.SHARE).addDst(0).setName("a").setParty("alice").setLength(1).setDtype(DType.INT))
        .addInstrs(Instr.newBuilder().setOp(Op.SHARE).addDst(1).setName("b").setParty("bob"))
        .addInstrs(Instr.newBuilder().setOp(Op.MUL).addDst(2).addSrc(0).addSrc(1))
        .addInstrs(Instr.newBuilder().setOp(Op.CONST).addDst(3).setConstant(ByteString.copyFrom(Packing.toBytes(new long[] {3}))))
        .addInstrs(Instr.newBuilder().setOp(Op.ADD).addDst(4).addSrc(2).addSrc(3))
        .addInstrs(Instr.newBuilder().setOp(Op.REVEAL).addSrc(4).setParty("alice").setName("r"))
        .addInstrs(Instr.newBuilder().setOp(Op.STORE).addSrc(2).setName("ab").setOwner("alice"))
        .addAllMaterial(List.of(1L, 0L, 2L))
        .build();
  }

  private static byte[] computation(Plan plan) {
    return Digests.computation(plan, PARTIES, 16);
  }

  @Test
  void theSameComputationHasTheSameDigests() {
    byte[] c = computation(plan());
    assertThat(c).hasSize(Digests.BYTES).isEqualTo(computation(plan()));
    assertThat(Digests.session(c, SESSION_ID, DEADLINE, "client-alice", true))
        .isEqualTo(Digests.session(computation(plan()), SESSION_ID.clone(), DEADLINE, "client-alice", true));
    assertThat(Digests.hex(c)).matches("[0-9a-f]{64}");
  }

  /** A party digests the plan it parsed: another encoding of the same content (unpacked, fields reordered) digests alike. */
  @Test
  void theDigestIsOfThePlanNotOfItsEncoding() throws Exception {
    Plan p = plan();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    for (long m : p.getMaterialList()) out.writeInt64(9, m); // material unpacked, and before the instructions
    for (Instr i : p.getInstrsList()) out.writeMessage(1, i);
    out.writeInt64(9, 0); // a default written out explicitly (and then material has one more zero: content differs)
    out.flush();
    Plan reparsed = Plan.parseFrom(bytes.toByteArray());
    assertThat(reparsed.getMaterialList()).containsExactly(1L, 0L, 2L, 0L);
    Plan same = reparsed.toBuilder().clearMaterial().addAllMaterial(p.getMaterialList()).build();
    assertThat(computation(Plan.parseFrom(same.toByteArray()))).isEqualTo(computation(p));
    assertThat(computation(reparsed)).isNotEqualTo(computation(p));
  }

  @Test
  void anyChangeToWhatIsComputedOrWhereResultsGoChangesTheComputationDigest() {
    List<UnaryOperator<Plan.Builder>> changes = List.of(
        b -> b.setInstrs(3, b.getInstrs(3).toBuilder().setConstant(ByteString.copyFrom(Packing.toBytes(new long[] {4})))),
        b -> b.setInstrs(5, b.getInstrs(5).toBuilder().setParty("bob")),        // another recipient
        b -> b.setInstrs(5, b.getInstrs(5).toBuilder().setName("r2")),          // kept under another name
        b -> b.setInstrs(5, b.getInstrs(5).toBuilder().clearName()),            // not kept at all
        b -> b.setInstrs(6, b.getInstrs(6).toBuilder().setName("ab2")),         // stored under another name
        b -> b.setInstrs(6, b.getInstrs(6).toBuilder().setReplace(true)),
        b -> b.setInstrs(6, b.getInstrs(6).toBuilder().setOwner("bob")),
        b -> b.setInstrs(0, b.getInstrs(0).toBuilder().setName("c")),           // reads another value
        b -> b.removeInstrs(6),
        b -> b.addInstrs(Instr.newBuilder().setOp(Op.FREE).addSrc(0)),
        b -> b.setMaterial(0, 2),
        b -> b.addTruncRuns(smpc.proto.TruncRun.newBuilder().setCount(1).setBits(16)));
    Set<String> seen = new HashSet<>();
    seen.add(Digests.hex(computation(plan())));
    for (int k = 0; k < changes.size(); k++) {
      Plan changed = changes.get(k).apply(plan().toBuilder()).build();
      assertThat(seen.add(Digests.hex(computation(changed)))).as("change %d gives a digest of its own", k).isTrue();
    }
    List<String> reordered = new ArrayList<>(List.of("bob", "alice", "carol"));
    assertThat(seen.add(Digests.hex(Digests.computation(plan(), reordered, 16)))).as("party order").isTrue();
    assertThat(seen.add(Digests.hex(Digests.computation(plan(), PARTIES.subList(0, 2), 16)))).as("fewer parties").isTrue();
    assertThat(seen.add(Digests.hex(Digests.computation(plan(), List.of("alice", "bob", "carl"), 16)))).as("another party").isTrue();
    assertThat(seen.add(Digests.hex(Digests.computation(plan(), PARTIES, 20)))).as("fractional bits").isTrue();
    // names that run together encode apart
    assertThat(seen.add(Digests.hex(Digests.computation(plan(), List.of("alicebob", "", "carol"), 16)))).isTrue();
  }

  @Test
  void theSessionDigestNamesOneRunByOnePrincipal() {
    byte[] c = computation(plan());
    Set<String> seen = new HashSet<>();
    seen.add(Digests.hex(Digests.session(c, SESSION_ID, DEADLINE, "client-alice", true)));
    byte[] otherId = SESSION_ID.clone();
    otherId[15] = 1;
    assertThat(seen.add(Digests.hex(Digests.session(c, otherId, DEADLINE, "client-alice", true)))).as("session id").isTrue();
    assertThat(seen.add(Digests.hex(Digests.session(c, SESSION_ID, DEADLINE + 1, "client-alice", true)))).as("deadline").isTrue();
    assertThat(seen.add(Digests.hex(Digests.session(c, SESSION_ID, DEADLINE, "client-bob", true)))).as("principal").isTrue();
    assertThat(seen.add(Digests.hex(Digests.session(c, SESSION_ID, DEADLINE, "admin", true)))).as("principal").isTrue();
    assertThat(seen.add(Digests.hex(Digests.session(c, SESSION_ID, DEADLINE, null, true)))).as("plaintext").isTrue();
    assertThat(seen.add(Digests.hex(Digests.session(c, SESSION_ID, DEADLINE, "client-alice", false)))).as("where reveals' shares go").isTrue();
    assertThat(seen.add(Digests.hex(Digests.session(c, SESSION_ID, DEADLINE, Digests.PLAINTEXT, true)))).as("a name is never plaintext").isTrue();
    byte[] otherComputation = Digests.computation(plan(), PARTIES, 20);
    assertThat(seen.add(Digests.hex(Digests.session(otherComputation, SESSION_ID, DEADLINE, "client-alice", true)))).as("computation").isTrue();
  }
}
