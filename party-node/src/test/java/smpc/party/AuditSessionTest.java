package smpc.party;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import smpc.core.audit.AuditChain;
import smpc.core.protocol.ProtocolSuite;
import smpc.core.protocol.StoredValue;
import smpc.core.ring.Packing;
import smpc.proto.AuditInput;
import smpc.proto.AuditOutcome;
import smpc.proto.AuditOutput;
import smpc.proto.AuditRecord;
import smpc.proto.DType;
import smpc.proto.ExecuteRequest;
import smpc.proto.Instr;
import smpc.proto.Kind;
import smpc.proto.Op;
import smpc.proto.Plan;
import smpc.proto.ValueInfo;

/**
 * The records three in-process parties write for the sessions they run (done, failed, refused), with secret
 * inputs whose values and shares are known here: no record holds any of them.
 */
class AuditSessionTest {
  static final List<String> PARTIES = List.of("alice", "bob", "carol");
  static final long SECRET_A = 0x1234_5678_9abc_def1L, SECRET_B = 0x0fed_cba9_8765_4321L;
  static InProcessCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = new InProcessCluster(PARTIES, 16);
    cluster.input(value("alice", "a", SECRET_A));
    cluster.input(value("bob", "b", SECRET_B));
  }

  @AfterAll
  static void stop() {
    if (cluster != null) cluster.close();
  }

  private static StoredValue value(String owner, String name, long v) {
    return new StoredValue(ValueInfo.newBuilder().setName(name).setKind(Kind.PRIVATE).setDtype(DType.INT).setLength(1).setOwner(owner).build(),
        new long[] {v});
  }

  private static Instr.Builder op(Op op) {
    return Instr.newBuilder().setOp(op);
  }

  private static Plan plan(Instr.Builder... instrs) {
    Plan.Builder p = Plan.newBuilder();
    for (Instr.Builder i : instrs) p.addInstrs(i);
    return p.build();
  }

  private static Map<String, List<AuditRecord>> logs() {
    Map<String, List<AuditRecord>> out = new LinkedHashMap<>();
    for (String p : PARTIES) out.put(p, cluster.audit(p).records().stream().map(AuditChain::parse).toList());
    return out;
  }

  private static AuditRecord last(String party) {
    List<AuditRecord> log = logs().get(party);
    return log.get(log.size() - 1);
  }

  @Test
  void everySessionIsRecordedAtEveryPartyWithoutASecretAndTheLogsAgree() {
    // a + b kept shared as "ab" (both inputs' owners), then ab revealed to carol
    List<ProtocolSuite.Result> first = cluster.run(plan(op(Op.SHARE).addDst(0).setName("a").setParty("alice"),
        op(Op.SHARE).addDst(1).setName("b").setParty("bob"), op(Op.ADD).addDst(2).addSrc(0).addSrc(1),
        op(Op.STORE).addSrc(2).setName("ab").setDtype(DType.INT)));
    List<ProtocolSuite.Result> second = cluster.run(plan(op(Op.LOAD).addDst(0).setName("ab").addProvenance("alice").addProvenance("bob"),
        op(Op.REVEAL).addSrc(0).setParty("carol").setDtype(DType.INT)));
    assertThat(Packing.fromByteString(second.get(2).revealed().get(0).getData())).containsExactly(SECRET_A + SECRET_B);

    Map<String, List<byte[]>> bytes = new LinkedHashMap<>();
    for (String p : PARTIES) {
      InProcessCluster.Log log = cluster.audit(p);
      assertThat(AuditChain.verify(p, log.records(), log.head())).isEmpty();
      bytes.put(p, log.records());
      // each session: its intent (what it is about, written as it runs), then its outcome naming the intent
      byte[][] store = records(log.records(), first.get(0).stats().getSessionDigest()), reveal = records(log.records(), second.get(0).stats().getSessionDigest());
      for (byte[][] run : List.of(store, reveal)) {
        AuditRecord intent = AuditChain.parse(run[0]), outcome = AuditChain.parse(run[1]);
        assertThat(intent.getOutcome()).isEqualTo(AuditOutcome.AUDIT_STARTED);
        assertThat(outcome.getOutcome()).isEqualTo(AuditOutcome.AUDIT_DONE);
        assertThat(outcome.getIntent()).isEqualTo(AuditChain.hash(run[0]));
        assertThat(outcome.getSessionId()).isEqualTo(intent.getSessionId());
        assertThat(outcome.getInputsCount() + outcome.getOutputsCount() + outcome.getWitnessedCount()).isZero();
      }
      checkStore(p, AuditChain.parse(store[0]), first);
      checkReveal(AuditChain.parse(reveal[0]));
    }
    // each party's intent of the second session holds the head each peer's log had on the disk when it started there
    for (String p : PARTIES) {
      AuditRecord intent = AuditChain.parse(records(bytes.get(p), second.get(0).stats().getSessionDigest())[0]);
      assertThat(intent.getWitnessedList()).hasSize(2);
      for (var w : intent.getWitnessedList()) {
        assertThat(bytes.get(w.getParty()).stream().map(AuditChain::hash)).contains(w.getHead());
      }
    }
    assertThat(AuditChain.crossCheck(bytes)).isEmpty();

    // the values, their shares and the result appear in no record (each is 8 random-looking bytes)
    List<byte[]> secrets = new ArrayList<>(List.of(Packing.toBytes(new long[] {SECRET_A}), Packing.toBytes(new long[] {SECRET_B}),
        Packing.toBytes(new long[] {SECRET_A + SECRET_B})));
    for (String p : PARTIES) secrets.add(Packing.toBytes(cluster.stored(p, "ab").data()));
    for (List<byte[]> log : bytes.values()) {
      for (byte[] r : log) for (byte[] secret : secrets) assertThat(indexOf(r, secret)).as("a secret in a record").isEqualTo(-1);
    }
  }

  /** A session's two records in a log, as stored: its intent and its outcome. */
  private static byte[][] records(List<byte[]> log, ByteString sessionDigest) {
    List<byte[]> run = log.stream().filter(r -> AuditChain.parse(r).getSessionDigest().equals(sessionDigest)).toList();
    assertThat(run).hasSize(2);
    return run.toArray(byte[][]::new);
  }

  private static void checkStore(String p, AuditRecord store, List<ProtocolSuite.Result> first) {
    assertThat(store.getCall()).isEqualTo("Execute");
    assertThat(store.getParty()).isEqualTo(p);
    assertThat(store.getPartiesList()).isEqualTo(PARTIES);
    assertThat(store.getComputationDigest()).isEqualTo(first.get(0).stats().getComputationDigest());
    assertThat(store.getInputsList()).containsExactly(AuditInput.newBuilder().setName("a").setParty("alice").addOwners("alice").build(),
        AuditInput.newBuilder().setName("b").setParty("bob").addOwners("bob").build());
    assertThat(store.getOutputsList()).containsExactly(AuditOutput.newBuilder().setName("ab").build());
  }

  private static void checkReveal(AuditRecord reveal) {
    assertThat(reveal.getInputsList()).containsExactly(AuditInput.newBuilder().setName("ab").addOwners("alice").addOwners("bob").build());
    assertThat(reveal.getOutputsList()).containsExactly(AuditOutput.newBuilder().setRecipient("carol").build());
    assertThat(reveal.getWitnessedList()).hasSize(2);
    assertThat(reveal.getPrincipal()).isEmpty(); // a plaintext cluster: no certificate names the caller
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) if (haystack[i + j] != needle[j]) continue outer;
      return i;
    }
    return -1;
  }

  @Test
  void aFailedSessionIsRecordedWithWhy() {
    assertThatThrownBy(() -> cluster.run(plan(op(Op.LOAD).addDst(0).setName("missing"), op(Op.REVEAL).addSrc(0).setParty("alice").setDtype(DType.INT))))
        .hasMessageContaining("value 'missing' not found");
    for (String p : PARTIES) {
      AuditRecord r = last(p);
      assertThat(r.getOutcome()).isEqualTo(AuditOutcome.AUDIT_FAILED);
      assertThat(r.getReason()).isEqualTo("NOT_FOUND: value 'missing' not found on " + p);
      // its inputs are checked before the agreement message leaves (it carries the input seeds): no session digest sent
      assertThat(r.getSessionDigest()).isEmpty();
      assertThat(r.getComputationDigest()).hasSize(32);
      assertThat(r.getInputsList()).containsExactly(AuditInput.newBuilder().setName("missing").build());
    }
  }

  @Test
  void aSessionAPartyRefusesIsRecordedAsRefusedWithTheRule() {
    ExecuteRequest req = ExecuteRequest.newBuilder().setSessionId(ByteString.copyFrom(new byte[16])).addAllParties(PARTIES)
        .setDeadlineUnixMs(System.currentTimeMillis() + 7_200_000).setFracBits(16)
        .setPlan(plan(op(Op.SHARE).addDst(0).setName("a").setParty("alice"), op(Op.REVEAL).addSrc(0).setParty("bob").setDtype(DType.INT))).build();
    assertThatThrownBy(() -> cluster.execute(0, req).join()).hasMessageContaining("more than alice allows");
    AuditRecord r = last("alice");
    assertThat(r.getOutcome()).isEqualTo(AuditOutcome.AUDIT_REFUSED);
    assertThat(r.getReason()).startsWith("RESOURCE_EXHAUSTED: session deadline is").endsWith("(limit 3600 s, --max-session-seconds)");
    assertThat(r.getSessionDigest()).isEmpty(); // refused before it started
    assertThat(r.getComputationDigest()).hasSize(32);
    assertThat(r.getOutputsList()).containsExactly(AuditOutput.newBuilder().setRecipient("bob").build());
  }
}
