package smpc.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static smpc.cli.Adversary.assertRefused;
import static smpc.cli.Adversary.assertStatus;
import static smpc.cli.Adversary.plan;
import static smpc.cli.Adversary.reveal;
import static smpc.cli.Adversary.share;

import com.fasterxml.jackson.databind.JsonNode;
import io.grpc.Status.Code;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import smpc.core.audit.AuditChain;
import smpc.proto.AuditRecord;
import smpc.proto.ExecuteRequest;
import smpc.proto.AuditRequest;
import smpc.sdk.Audit;
import smpc.sdk.Cluster;

/**
 * Audit logs of a real mutual-TLS cluster: who may read them (a test per cell of the rule table's Audit
 * row), what a refusal inside and outside sessions leaves in them, `smpc audit` and its `--verify` catching
 * a party whose log lost a session while it was down.
 */
class AuditIT {
  static final List<String> ALL = List.of("alice", "bob", "carol");
  static TestCluster cluster;
  static Adversary adv;

  @BeforeAll
  static void start() throws Exception {
    cluster = TestCluster.start(true, "alice", "bob", "carol");
    adv = new Adversary(cluster);
    cluster.ok("input", "--party", "alice", "--name", "a", "3");
    cluster.ok("input", "--party", "bob", "--name", "b", "4");
  }

  @AfterAll
  static void stop() throws Exception {
    if (adv != null) adv.close();
    if (cluster != null) cluster.close();
  }

  private static List<AuditRecord> read(String party, String principal) {
    List<AuditRecord> out = new ArrayList<>();
    adv.party(party, principal).audit(AuditRequest.getDefaultInstance())
        .forEachRemaining(c -> c.getRecordsList().forEach(r -> out.add(AuditChain.parse(r.toByteArray()))));
    return out;
  }

  private static AuditRecord last(String party) {
    List<AuditRecord> log = read(party, "client-" + party);
    return log.get(log.size() - 1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"client-alice", "admin-alice"})
  void theLogIsReadByTheOwnClientOrAdministrator(String who) {
    assertThat(read("alice", who)).isNotEmpty().allSatisfy(r -> assertThat(r.getParty()).isEqualTo("alice"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"client-bob", "admin-bob", "bob", "dealer"})
  void theLogIsReadByNobodyElseAndTheRefusalIsRecorded(String who) {
    assertRefused(() -> read("alice", who), Code.PERMISSION_DENIED, "may not read the audit log of alice (only client-alice or admin-alice may)");
    AuditRecord r = last("alice");
    assertThat(r.getCall()).isEqualTo("Audit");
    assertThat(r.getPrincipal()).isEqualTo(who);
    assertThat(r.getOutcome()).isEqualTo(smpc.proto.AuditOutcome.AUDIT_REFUSED);
  }

  @Test
  void aRefusedCallOutsideSessionsIsRecordedWithTheRule() {
    assertRefused(() -> adv.get("alice", "client-bob", "a"), Code.PERMISSION_DENIED, "may not read alice's private value 'a'");
    AuditRecord r = last("alice");
    assertThat(r.getCall()).isEqualTo("GetValue");
    assertThat(r.getSubject()).isEqualTo("a");
    assertThat(r.getPrincipal()).isEqualTo("client-bob");
    assertThat(r.getRole()).isEqualTo("client");
    assertThat(r.getReason()).isEqualTo("PERMISSION_DENIED: client 'client-bob' may not read alice's private value 'a' (only client-alice may)");
  }

  @Test
  void aRefusedSessionWithAShortIdIsListed() throws Exception {
    ExecuteRequest req = ExecuteRequest.newBuilder().setSessionId(com.google.protobuf.ByteString.copyFromUtf8("abc")).addAllParties(ALL)
        .setDeadlineUnixMs(System.currentTimeMillis() + 60_000).build();
    assertThat(adv.start("alice", "client-alice", req).get(30, java.util.concurrent.TimeUnit.SECONDS).getDescription())
        .contains("session id must have 16 bytes, got 3");
    assertThat(cluster.ok("audit", "--party", "alice")).contains(" 616263 "); // its id, shorter than the 8 digits shown
  }

  @Test
  void aRefusedConsentIsRecordedToo() {
    assertStatus(adv.refusalOfConsent("alice", "client-bob"), Code.PERMISSION_DENIED, "may not approve computations for alice (only client-alice may)");
    AuditRecord r = last("alice");
    assertThat(r.getCall()).isEqualTo("Approve");
    assertThat(r.getSubject()).isEqualTo("0".repeat(64)); // the digest it would have approved
    assertThat(r.getPrincipal()).isEqualTo("client-bob");
    assertThat(r.getOutcome()).isEqualTo(smpc.proto.AuditOutcome.AUDIT_REFUSED);
  }

  @Test
  void aDeniedRevealIsRecordedAsRefusedWithTheRule() {
    assertStatus(adv.refusal("alice", "client-bob", ALL, plan(share("bob", "b"), reveal("alice", ""))), Code.PERMISSION_DENIED,
        "may not receive results revealed to alice");
    AuditRecord r = last("alice");
    assertThat(r.getCall()).isEqualTo("Execute");
    assertThat(r.getPrincipal()).isEqualTo("client-bob");
    assertThat(r.getOutcome()).isEqualTo(smpc.proto.AuditOutcome.AUDIT_REFUSED);
    assertThat(r.getReason()).isEqualTo("PERMISSION_DENIED: client 'client-bob' may not receive results revealed to alice (only client-alice may)");
    assertThat(r.getInputsList()).singleElement().satisfies(i -> assertThat(i.getName() + "@" + i.getParty() + " " + i.getOwnersList()).isEqualTo("b@bob [bob]"));
    assertThat(r.getOutputsList()).singleElement().satisfies(o -> assertThat(o.getRecipient()).isEqualTo("alice"));
  }

  @Test
  void auditPrintsTheLogAndChecksItAndTheSdkReadsItAsPlainJava() throws Exception {
    cluster.ok("eval", "a + b", "--reveal-to", "carol");
    String out = cluster.ok("audit", "--party", "carol");
    assertThat(cluster.ok("audit", "--party", "alice")).contains("outputs to carol (its share to client-alice)");
    assertThat(out).startsWith("SEQ   TIME").contains(" started  Execute ").contains("inputs a@alice (owners alice), b@bob (owners bob); outputs to carol")
        .containsPattern(" done     Execute .* ends record \\d+\n").endsWith("the chain is intact\n");
    JsonNode json = Results.JSON.readTree(cluster.ok("audit", "--party", "carol", "--json"));
    assertThat(json.get("intact").asBoolean()).isTrue();
    JsonNode jsonRecords = json.get("records");
    assertThat(jsonRecords.get(jsonRecords.size() - 1).get("outcome").asText()).isEqualTo("done");
    try (Cluster sdk = cluster.sdk()) {
      List<Audit.Record> records = sdk.audit().records("carol");
      Audit.Record intent = records.get(records.size() - 2), outcome = records.get(records.size() - 1);
      assertThat(intent.outcome()).isEqualTo("started");
      assertThat(intent.principal()).isEqualTo("client-carol");
      assertThat(intent.outputs()).containsExactly(new Audit.Output("carol", "", ""));
      // alice, asked by her own client, gave it her share (docs/security.md "Reveals"), and says so
      List<Audit.Record> alice = sdk.audit().records("alice");
      assertThat(alice.get(alice.size() - 2).outputs()).containsExactly(new Audit.Output("carol", "", "client-alice"));
      assertThat(intent.witnessed()).containsOnlyKeys("alice", "bob");
      assertThat(outcome.outcome()).isEqualTo("done");
      assertThat(outcome.intent()).isEqualTo(intent.hash());
      assertThat(outcome.principal()).isEqualTo("client-carol");
      assertThat(outcome.sessionId()).isEqualTo(intent.sessionId());
    }
    // acting as bob's client only, the CLI reads bob's log and cannot read alice's
    TestCluster.Result r = cluster.cli("--as", "bob", "audit", "--party", "alice");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("client 'client-bob' may not read the audit log of alice");
  }

  @Test
  void verifyCatchesAPartyWhoseLogLostASession() throws Exception {
    cluster.ok("eval", "a * b", "--reveal-to", "alice");
    cluster.ok("eval", "a - b", "--reveal-to", "alice");
    assertThat(cluster.ok("audit", "--party", "alice", "--verify")).contains("checked against each other: alice, bob, carol")
        .endsWith("the logs agree and every chain is intact\n");

    // while bob is down its log loses its record of the first of those sessions, re-chained so bob's own chain holds
    ProcessHandle bob = ProcessHandle.of(cluster.pid("bob")).orElseThrow();
    bob.destroyForcibly();
    bob.onExit().get(30, TimeUnit.SECONDS);
    Path file = cluster.dir.resolve("data").resolve("bob").resolve("audit.log");
    List<byte[]> records = readFile(file);
    int victim = records.size() - 4; // the first session's intent and outcome, then the second's
    AuditRecord lost = AuditChain.parse(records.get(victim));
    assertThat(lost.getOutcome()).isEqualTo(smpc.proto.AuditOutcome.AUDIT_STARTED);
    assertThat(AuditChain.parse(records.get(victim + 1)).getOutcome()).isEqualTo(smpc.proto.AuditOutcome.AUDIT_DONE);
    records.subList(victim, victim + 2).clear();
    writeFile(file, rechain(records));
    cluster.ok("cluster", "up", "--parties", "alice,bob,carol", "--base-port", cluster.config().dealer().address().replaceAll(".*:", ""));

    assertThat(cluster.ok("audit", "--party", "bob")).endsWith("the chain is intact\n");
    TestCluster.Result r = cluster.cli("audit", "--party", "alice", "--verify");
    assertThat(r.code()).isEqualTo(1);
    String session = AuditChain.shortHex(lost.getSessionId());
    assertThat(r.out()).contains("PROBLEM: bob's log lacks session " + session + ", which alice's record")
        .contains("PROBLEM: bob's log lacks session " + session + ", which carol's record")
        .containsPattern("PROBLEM: alice's record \\d+ \\(session [0-9a-f]+\\) was told by bob that its log ended with record hash [0-9a-f]+ when"
            + " the session started; bob's log has no such record");
  }

  private static List<byte[]> readFile(Path file) throws Exception {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file));
    List<byte[]> out = new ArrayList<>();
    while (b.remaining() >= 4) {
      byte[] r = new byte[b.getInt()];
      b.get(r);
      out.add(r);
    }
    return out;
  }

  private static void writeFile(Path file, List<byte[]> records) throws Exception {
    ByteBuffer b = ByteBuffer.allocate(records.stream().mapToInt(r -> r.length + 4).sum());
    for (byte[] r : records) b.putInt(r.length).put(r);
    Files.write(file, b.array());
  }

  /** The log re-chained, each outcome pointed at its intent's new hash: a consistent rewrite. */
  private static List<byte[]> rechain(List<byte[]> log) {
    List<byte[]> out = new ArrayList<>();
    java.util.Map<com.google.protobuf.ByteString, com.google.protobuf.ByteString> moved = new java.util.HashMap<>();
    for (byte[] r : log) {
      com.google.protobuf.ByteString prev = out.isEmpty() ? AuditChain.GENESIS : AuditChain.hash(out.get(out.size() - 1));
      AuditRecord.Builder b = AuditChain.parse(r).toBuilder().setSeq(out.size()).setPrev(prev);
      if (moved.containsKey(b.getIntent())) b.setIntent(moved.get(b.getIntent()));
      byte[] bytes = b.build().toByteArray();
      moved.put(AuditChain.hash(r), AuditChain.hash(bytes));
      out.add(bytes);
    }
    return out;
  }
}
