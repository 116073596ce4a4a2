package smpc.core.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
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

  /**
   * Two parties' logs as the parties write them: a refused call, then sessions s1 and s2 run together, each an
   * intent at alice and bob, then each one's outcome. Alice: refused 0, s1 at 1 and 2, s2 at 3 and 4; bob: s1 at 0
   * and 1, s2 at 2 and 3.
   */
  private static Map<String, List<byte[]>> logs() {
    Map<String, List<byte[]>> logs = new LinkedHashMap<>();
    logs.put("alice", new ArrayList<>());
    logs.put("bob", new ArrayList<>());
    append(logs, "alice", AuditRecord.newBuilder().setCall("GetValue").setSubject("salary").setOutcome(AuditOutcome.AUDIT_REFUSED));
    for (ByteString id : List.of(S1, S2)) {
      ByteString aliceHead = head(logs.get("alice")), bobHead = head(logs.get("bob"));
      append(logs, "alice", session(id, "bob", bobHead).setOutcome(AuditOutcome.AUDIT_STARTED));
      append(logs, "bob", session(id, "alice", aliceHead).setOutcome(AuditOutcome.AUDIT_STARTED));
      append(logs, "alice", outcome(id, head(logs.get("alice"))));
      append(logs, "bob", outcome(id, head(logs.get("bob"))));
    }
    return logs;
  }

  /** Logs as parties wrote them before intents: one record per session, done. */
  private static Map<String, List<byte[]>> wholeRecordLogs() {
    Map<String, List<byte[]>> logs = new LinkedHashMap<>();
    logs.put("alice", new ArrayList<>());
    logs.put("bob", new ArrayList<>());
    for (ByteString id : List.of(S1, S2)) {
      ByteString aliceHead = head(logs.get("alice")), bobHead = head(logs.get("bob"));
      append(logs, "alice", session(id, "bob", bobHead).setOutcome(AuditOutcome.AUDIT_DONE));
      append(logs, "bob", session(id, "alice", aliceHead).setOutcome(AuditOutcome.AUDIT_DONE));
    }
    return logs;
  }

  private static AuditRecord.Builder session(ByteString id, String peer, ByteString peerHead) {
    return AuditRecord.newBuilder().setCall("Execute").setSessionId(id).addParties("alice").addParties("bob")
        .setComputationDigest(ByteString.copyFrom(new byte[32])).setSessionDigest(AuditChain.hash(id.toByteArray()))
        .addOutputs(AuditOutput.newBuilder().setRecipient("alice"))
        .addWitnessed(AuditWitness.newBuilder().setParty(peer).setHead(peerHead));
  }

  private static AuditRecord.Builder outcome(ByteString id, ByteString intent) {
    return AuditRecord.newBuilder().setCall("Execute").setSessionId(id).addParties("alice").addParties("bob")
        .setComputationDigest(ByteString.copyFrom(new byte[32])).setSessionDigest(AuditChain.hash(id.toByteArray()))
        .setIntent(intent).setOutcome(AuditOutcome.AUDIT_DONE);
  }

  private static void append(Map<String, List<byte[]>> logs, String party, AuditRecord.Builder r) {
    List<byte[]> log = logs.get(party);
    log.add(r.setParty(party).setSeq(log.size()).setPrev(head(log)).build().toByteArray());
  }

  private static ByteString head(List<byte[]> log) {
    return log.isEmpty() ? AuditChain.GENESIS : AuditChain.hash(log.get(log.size() - 1));
  }

  /**
   * The log re-chained from its records' contents, each outcome pointed at its intent's new hash: what a party that
   * rewrites its whole log consistently makes.
   */
  private static List<byte[]> rechain(List<byte[]> log) {
    return rewrite(log, -1, b -> b);
  }

  /** {@link #rechain}, with record {@code at} edited. */
  private static List<byte[]> rewrite(List<byte[]> log, int at, java.util.function.UnaryOperator<AuditRecord.Builder> edit) {
    List<byte[]> out = new ArrayList<>();
    Map<ByteString, ByteString> moved = new HashMap<>();
    for (byte[] r : log) {
      AuditRecord.Builder b = AuditChain.parse(r).toBuilder().setSeq(out.size()).setPrev(head(out));
      if (out.size() == at) b = edit.apply(b);
      if (moved.containsKey(b.getIntent())) b.setIntent(moved.get(b.getIntent()));
      byte[] bytes = b.build().toByteArray();
      moved.put(AuditChain.hash(r), AuditChain.hash(bytes));
      out.add(bytes);
    }
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
    assertThat(AuditChain.verify("alice", log, null)).startsWith(
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
    log.set(4, AuditChain.parse(log.get(4)).toBuilder().setOutcome(AuditOutcome.AUDIT_FAILED).build().toByteArray());
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
    logs.get("bob").subList(2, 4).clear(); // bob's records of s2 (its last): bob's own chain stays intact
    assertThat(AuditChain.verify("bob", logs.get("bob"), null)).isEmpty();
    assertThat(AuditChain.crossCheck(logs)).containsExactly(
        "bob's log lacks session " + AuditChain.shortHex(S2) + ", which alice's record 4 says ran to completion with bob");
  }

  @Test
  void aLogRewrittenWholeWithoutARecordIsCaughtByTheHeadsPeersWereSent() {
    Map<String, List<byte[]>> logs = logs();
    List<byte[]> bob = logs.get("bob");
    bob.subList(0, 2).clear(); // bob's records of s1, then the rest re-chained: bob's chain is intact
    logs.put("bob", rechain(bob));
    assertThat(AuditChain.verify("bob", logs.get("bob"), null)).isEmpty();
    assertThat(AuditChain.crossCheck(logs)).contains(
        "bob's log lacks session " + AuditChain.shortHex(S1) + ", which alice's record 2 says ran to completion with bob")
        .anySatisfy(p -> assertThat(p).startsWith("alice's record 3 (session " + AuditChain.shortHex(S2) + ") was told by bob that its log ended"
            + " with record hash").endsWith("bob's log has no such record: it was changed since"));
  }

  @Test
  void aRecordAlteredConsistentlyDisagreesWithThePeersRecord() {
    Map<String, List<byte[]>> logs = logs();
    List<byte[]> bob = logs.get("bob");
    logs.put("bob", rewrite(bob, 2, r -> r.setOutputs(0, AuditOutput.newBuilder().setRecipient("bob"))));
    assertThat(AuditChain.crossCheck(logs)).containsExactly(
        "alice's record 4 (session " + AuditChain.shortHex(S2) + ") and bob's record 2 disagree on the outputs");
  }

  @Test
  void whereAPartysOwnShareWentIsItsOwnRecord() {
    Map<String, List<byte[]>> logs = logs();
    List<byte[]> bob = logs.get("bob");
    // bob gave its share of the output to its caller (docs/security.md "Reveals"); alice, the recipient, did not
    logs.put("bob", rewrite(bob, 2, r -> r.setOutputs(0, r.getOutputs(0).toBuilder().setShareTo("client-bob"))));
    assertThat(AuditChain.parse(logs.get("bob").get(2)).getOutputs(0).getShareTo()).isEqualTo("client-bob");
    assertThat(AuditChain.crossCheck(logs)).isEmpty();
  }

  @Test
  void anOutcomeWhoseIntentWasRemovedIsCaught() {
    Map<String, List<byte[]>> logs = logs();
    List<byte[]> alice = logs.get("alice");
    alice.remove(3); // alice's intent of s2, the rest re-chained: its outcome names a record no longer there
    logs.put("alice", rechain(alice));
    assertThat(AuditChain.verify("alice", logs.get("alice"), null)).isEmpty();
    assertThat(AuditChain.crossCheck(logs)).contains("alice's record 3 (session " + AuditChain.shortHex(S2) + ") ends a session whose"
        + " intent is not its first, earlier record of alice's log: a record was removed, added or changed");
  }

  @Test
  void anOutcomeMustNotNameAnotherSessionsIntent() {
    Map<String, List<byte[]>> logs = logs();
    List<byte[]> alice = logs.get("alice");
    alice.set(4, AuditChain.parse(alice.get(4)).toBuilder().setIntent(AuditChain.hash(alice.get(1))).build().toByteArray()); // s1's
    assertThat(AuditChain.crossCheck(logs)).containsExactly("alice's record 4 (session " + AuditChain.shortHex(S2) + ") ends a session"
        + " whose intent is not its first, earlier record of alice's log: a record was removed, added or changed");
  }

  @Test
  void anOutcomeNamingASecondAlteredIntentIsCaught() {
    Map<String, List<byte[]>> logs = logs();
    List<byte[]> bob = new ArrayList<>(logs.get("bob"));
    // bob keeps his true intent of s2 (what alice compares), adds an altered one and ends s2 with it
    byte[] altered = AuditChain.parse(bob.get(2)).toBuilder().setOutputs(0, AuditOutput.newBuilder().setRecipient("bob")).build().toByteArray();
    byte[] outcome = AuditChain.parse(bob.get(3)).toBuilder().setIntent(AuditChain.hash(altered)).build().toByteArray();
    bob.set(3, altered);
    bob.add(outcome);
    logs.put("bob", rechain(bob));
    assertThat(AuditChain.verify("bob", logs.get("bob"), null)).isEmpty();
    assertThat(AuditChain.crossCheck(logs)).containsExactly("bob's record 4 (session " + AuditChain.shortHex(S2) + ") ends a session whose"
        + " intent is not its first, earlier record of bob's log: a record was removed, added or changed");
  }

  @Test
  void aSessionEndedTwiceIsCaught() {
    Map<String, List<byte[]>> logs = logs();
    List<byte[]> alice = logs.get("alice");
    append(logs, "alice", outcome(S2, AuditChain.hash(alice.get(3))).setOutcome(AuditOutcome.AUDIT_FAILED));
    assertThat(AuditChain.crossCheck(logs)).containsExactly(
        "alice's record 5 (session " + AuditChain.shortHex(S2) + ") ends its session a second time: its intent already has an outcome");
  }

  @Test
  void logsWrittenBeforeIntentsStillCrossCheck() {
    Map<String, List<byte[]>> logs = wholeRecordLogs();
    assertThat(AuditChain.crossCheck(logs)).isEmpty();
    logs.get("bob").remove(1);
    assertThat(AuditChain.crossCheck(logs)).containsExactly(
        "bob's log lacks session " + AuditChain.shortHex(S2) + ", which alice's record 1 says ran to completion with bob");
  }
}
