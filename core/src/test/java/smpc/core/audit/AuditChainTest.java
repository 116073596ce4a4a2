package smpc.core.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import smpc.proto.AuditOutcome;
import smpc.proto.AuditOutput;
import smpc.proto.AuditRecord;
import smpc.proto.AuditWitness;

class AuditChainTest {
  private static final ByteString S1 = ByteString.copyFromUtf8("session-number-1");
  private static final ByteString S2 = ByteString.copyFromUtf8("session-number-2");

  /** Two parties' logs as the parties write them: a refused call, then sessions s1 and s2 run together. */
  private static Map<String, List<byte[]>> logs() {
    Map<String, List<byte[]>> logs = new LinkedHashMap<>();
    logs.put("alice", new ArrayList<>());
    logs.put("bob", new ArrayList<>());
    append(logs, "alice", AuditRecord.newBuilder().setCall("GetValue").setSubject("salary").setOutcome(AuditOutcome.AUDIT_REFUSED));
    ByteString aliceHead = head(logs.get("alice")), bobHead = head(logs.get("bob"));
    append(logs, "alice", session(S1, "bob", bobHead));
    append(logs, "bob", session(S1, "alice", aliceHead));
    aliceHead = head(logs.get("alice"));
    bobHead = head(logs.get("bob"));
    append(logs, "alice", session(S2, "bob", bobHead));
    append(logs, "bob", session(S2, "alice", aliceHead));
    return logs;
  }

  private static AuditRecord.Builder session(ByteString id, String peer, ByteString peerHead) {
    return AuditRecord.newBuilder().setCall("Execute").setSessionId(id).addParties("alice").addParties("bob")
        .setComputationDigest(ByteString.copyFrom(new byte[32])).setSessionDigest(AuditChain.hash(id.toByteArray()))
        .addOutputs(AuditOutput.newBuilder().setRecipient("alice")).setOutcome(AuditOutcome.AUDIT_DONE)
        .addWitnessed(AuditWitness.newBuilder().setParty(peer).setHead(peerHead));
  }

  private static void append(Map<String, List<byte[]>> logs, String party, AuditRecord.Builder r) {
    List<byte[]> log = logs.get(party);
    log.add(r.setParty(party).setSeq(log.size()).setPrev(head(log)).build().toByteArray());
  }

  private static ByteString head(List<byte[]> log) {
    return log.isEmpty() ? AuditChain.GENESIS : AuditChain.hash(log.get(log.size() - 1));
  }

  /** The log re-chained from its records' contents: what a party that rewrites its whole log consistently makes. */
  private static List<byte[]> rechain(List<byte[]> log) {
    List<byte[]> out = new ArrayList<>();
    for (byte[] r : log) out.add(AuditChain.parse(r).toBuilder().setSeq(out.size()).setPrev(head(out)).build().toByteArray());
    return out;
  }

  @Test
  void intactLogsPassBothChecks() {
    Map<String, List<byte[]>> logs = logs();
    logs.forEach((p, log) -> assertThat(AuditChain.verify(p, log, head(log))).isEmpty());
    assertThat(AuditChain.crossCheck(logs)).isEmpty();
  }

  @Test
  void aRemovedRecordBreaksTheChain() {
    List<byte[]> log = logs().get("alice");
    log.remove(1);
    assertThat(AuditChain.verify("alice", log, null)).containsExactly(
        "alice's record 1 says it is record 2: records were removed, inserted or reordered",
        "alice's record 1 does not chain to the record before it: that record was edited, removed or moved");
  }

  @Test
  void reorderedRecordsBreakTheChain() {
    List<byte[]> log = logs().get("alice");
    Collections.swap(log, 0, 1);
    assertThat(AuditChain.verify("alice", log, null)).contains("alice's record 0 says it is record 1: records were removed, inserted or reordered",
        "alice's record 2 does not chain to the record before it: that record was edited, removed or moved");
  }

  @Test
  void anEditedRecordBreaksTheChainAtTheNextOne() {
    List<byte[]> log = logs().get("alice");
    log.set(1, AuditChain.parse(log.get(1)).toBuilder().setOutputs(0, AuditOutput.newBuilder().setRecipient("bob")).build().toByteArray());
    assertThat(AuditChain.verify("alice", log, null))
        .containsExactly("alice's record 2 does not chain to the record before it: that record was edited, removed or moved");
  }

  @Test
  void anEditedLastRecordShowsAgainstTheHeadThePartyWrote() {
    List<byte[]> log = logs().get("alice");
    ByteString written = head(log);
    log.set(2, AuditChain.parse(log.get(2)).toBuilder().setOutcome(AuditOutcome.AUDIT_FAILED).build().toByteArray());
    assertThat(AuditChain.verify("alice", log, null)).isEmpty(); // nothing chains the last record...
    assertThat(AuditChain.verify("alice", log, written)).singleElement().asString().contains("does not end with the record its party wrote last");
  }

  @Test
  void corruptBytesAreNamed() {
    List<byte[]> log = logs().get("bob");
    log.set(0, new byte[] {(byte) 0xff, (byte) 0xff});
    assertThat(AuditChain.verify("bob", log, null)).contains("bob's record 0 is not a record (its bytes were changed)");
  }

  @Test
  void aPartyThatSkippedASessionIsCaughtByItsPeersRecords() {
    Map<String, List<byte[]>> logs = logs();
    logs.get("bob").remove(1); // bob's record of s2 (its last): bob's own chain stays intact
    assertThat(AuditChain.verify("bob", logs.get("bob"), null)).isEmpty();
    assertThat(AuditChain.crossCheck(logs)).containsExactly(
        "bob's log lacks session " + AuditChain.shortHex(S2) + ", which alice's record 2 says ran to completion with bob");
  }

  @Test
  void aLogRewrittenWholeWithoutARecordIsCaughtByTheHeadsPeersWereSent() {
    Map<String, List<byte[]>> logs = logs();
    List<byte[]> bob = logs.get("bob");
    bob.remove(0); // bob's record of s1, then the rest re-chained: bob's chain is intact
    logs.put("bob", rechain(bob));
    assertThat(AuditChain.verify("bob", logs.get("bob"), null)).isEmpty();
    assertThat(AuditChain.crossCheck(logs)).contains(
        "bob's log lacks session " + AuditChain.shortHex(S1) + ", which alice's record 1 says ran to completion with bob")
        .anySatisfy(p -> assertThat(p).startsWith("alice's record 2 (session " + AuditChain.shortHex(S2) + ") was told by bob that its log ended"
            + " with record hash").endsWith("bob's log has no such record: it was changed since"));
  }

  @Test
  void aRecordAlteredConsistentlyDisagreesWithThePeersRecord() {
    Map<String, List<byte[]>> logs = logs();
    List<byte[]> bob = logs.get("bob");
    bob.set(1, AuditChain.parse(bob.get(1)).toBuilder().setOutputs(0, AuditOutput.newBuilder().setRecipient("bob")).build().toByteArray());
    logs.put("bob", rechain(bob));
    assertThat(AuditChain.crossCheck(logs)).containsExactly(
        "alice's record 2 (session " + AuditChain.shortHex(S2) + ") and bob's record 1 disagree on the outputs");
  }
}
