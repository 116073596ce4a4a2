package smpc.party;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import smpc.core.protocol.Digests;
import smpc.core.protocol.LocalProtocol;
import smpc.core.protocol.ProtocolSuite;
import smpc.core.protocol.StoredValue;
import smpc.core.ring.Packing;
import smpc.proto.DType;
import smpc.proto.ExecuteRequest;
import smpc.proto.Instr;
import smpc.proto.Kind;
import smpc.proto.Op;
import smpc.proto.Plan;
import smpc.proto.ValueInfo;

/**
 * A coordinator that hands the parties of one session different plans (raw Execute calls with the same
 * session id) gets nothing: every party fails naming a party that disagrees, and no message but the session
 * digests went between the parties. The same plan everywhere runs as before, with both digests in the stats.
 */
class PlanAgreementTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static InProcessCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = new InProcessCluster(List.of("alice", "bob", "carol"), LocalProtocol.FRAC_BITS);
    ValueInfo x = ValueInfo.newBuilder().setName("x").setKind(Kind.PRIVATE).setDtype(DType.INT).setLength(1).setOwner("alice").build();
    cluster.input(new StoredValue(x, new long[] {42}));
    // alice's x shared among all three as s
    cluster.run(Plan.newBuilder().addInstrs(Instr.newBuilder().setOp(Op.SHARE).addDst(0).setName("x").setParty("alice"))
        .addInstrs(Instr.newBuilder().setOp(Op.STORE).addSrc(0).setName("s").setOwner("alice")).build());
  }

  @AfterAll
  static void stop() {
    if (cluster != null) cluster.close();
  }

  private static Instr.Builder load(int dst) {
    return Instr.newBuilder().setOp(Op.LOAD).addDst(dst).setName("s").addProvenance("alice"); // alice's x, shared
  }

  private static Instr.Builder revealTo(String party, int src) {
    return Instr.newBuilder().setOp(Op.REVEAL).addSrc(src).setParty(party);
  }

  /** The attack: alice and carol send bob their raw shares of s while bob adds zero, so bob's client learns s - s_bob. */
  private static final Plan HONEST = Plan.newBuilder().addInstrs(load(0)).addInstrs(revealTo("bob", 0)).build();
  private static final Plan ZERO = Plan.newBuilder()
      .addInstrs(Instr.newBuilder().setOp(Op.CONST).addDst(0).setConstant(ByteString.copyFrom(Packing.toBytes(new long[] {0}))))
      .addInstrs(revealTo("bob", 0)).build();

  private static ExecuteRequest request(ByteString id, long deadline, Plan plan) {
    return ExecuteRequest.newBuilder().setSessionId(id).addAllParties(cluster.parties()).setDeadlineUnixMs(deadline)
        .setPlan(plan).setFracBits(LocalProtocol.FRAC_BITS).build();
  }

  private static ByteString freshId() {
    byte[] id = new byte[16];
    RANDOM.nextBytes(id);
    return ByteString.copyFrom(id);
  }

  /** Runs party i's plan plans[i] in one session; each party's error description (all must fail). */
  private static List<String> attack(ByteString id, Plan... plans) {
    long deadline = System.currentTimeMillis() + 60_000;
    List<CompletableFuture<ProtocolSuite.Result>> calls = new ArrayList<>();
    for (int i = 0; i < plans.length; i++) calls.add(cluster.execute(i, request(id, deadline, plans[i])));
    List<String> errors = new ArrayList<>();
    for (int i = 0; i < plans.length; i++) {
      String party = cluster.parties().get(i);
      try {
        ProtocolSuite.Result r = calls.get(i).join();
        throw new AssertionError(party + " ran a plan its peers disagree with and returned " + r);
      } catch (CompletionException e) {
        Status s = Status.fromThrowable(e.getCause());
        assertThat(s.getCode()).as("%s: %s", party, s).isEqualTo(Status.Code.FAILED_PRECONDITION);
        errors.add(s.getDescription());
      }
    }
    return errors;
  }

  /** Nothing but one digest per ordered pair went between the parties (recorded as it left each party). */
  private static void onlyDigestsWereSent(ByteString id) {
    List<InProcessCluster.Sent> sent = cluster.sent(id);
    for (InProcessCluster.Sent m : sent) {
      assertThat(m.tag()).as("%s sent %s a message before agreement", m.from(), m.to()).isEqualTo(Agreement.TAG);
      // the digest and the sender's audit log head: a hash of its log, nothing of the session's secrets
      assertThat(m.bytes()).isEqualTo(2 * Digests.BYTES);
    }
    assertThat(sent.stream().map(m -> m.from() + ">" + m.to()).distinct().count()).isEqualTo(sent.size());
  }

  @Test
  void partiesWithDifferentPlansAllFailNamingADisagreeingPartyAndSendNothingSecret() {
    Plan carols = Plan.newBuilder().addInstrs(load(0))
        .addInstrs(Instr.newBuilder().setOp(Op.MUL_PUBLIC).addDst(1).addSrc(0).setConstant(ByteString.copyFrom(Packing.toBytes(new long[] {1}))))
        .addInstrs(revealTo("bob", 1)).build();
    ByteString id = freshId();
    List<String> errors = attack(id, HONEST, ZERO, carols);
    for (int i = 0; i < 3; i++) {
      String me = cluster.parties().get(i);
      assertThat(errors.get(i)).as(me).matches("plan disagreement: party (alice|bob|carol) runs a different computation \\(session digest"
          + " [0-9a-f]{64}\\) than " + me + " \\(session digest [0-9a-f]{64}\\)" + java.util.regex.Pattern.quote(Agreement.VERSION_HINT)).doesNotContain("party " + me + " runs");
    }
    onlyDigestsWereSent(id);
  }

  /** Bob and carol agree with each other: each still fails, by its own check of alice's digest. */
  @Test
  void oneDissentingPlanFailsEveryParty() {
    ByteString id = freshId();
    List<String> errors = attack(id, HONEST, ZERO, ZERO);
    assertThat(errors.get(0)).startsWith("plan disagreement: party bob runs a different computation").endsWith("run the same one)");
    assertThat(errors.get(1)).startsWith("plan disagreement: party alice runs a different computation");
    assertThat(errors.get(2)).startsWith("plan disagreement: party alice runs a different computation");
    onlyDigestsWereSent(id);
  }

  /** The same plan under different deadlines is a different session: refused too. */
  @Test
  void theSessionDigestCoversTheDeadline() {
    ByteString id = freshId();
    long deadline = System.currentTimeMillis() + 60_000;
    List<CompletableFuture<ProtocolSuite.Result>> calls = new ArrayList<>();
    for (int i = 0; i < 3; i++) calls.add(cluster.execute(i, request(id, deadline + (i == 2 ? 1 : 0), HONEST)));
    for (CompletableFuture<ProtocolSuite.Result> c : calls) {
      // no time bound of the test's own: the session's deadline ends every call
      assertThatThrownBy(c::get).isInstanceOf(java.util.concurrent.ExecutionException.class)
          .hasMessageContaining("plan disagreement");
    }
    onlyDigestsWereSent(id);
  }

  @Test
  void theSamePlanRunsWithBothDigestsInEveryPartysStats() {
    List<ProtocolSuite.Result> first = cluster.run(HONEST), second = cluster.run(HONEST);
    assertThat(first.get(1).revealed()).hasSize(1);
    ByteString computation = first.get(0).stats().getComputationDigest();
    assertThat(computation.size()).isEqualTo(Digests.BYTES);
    assertThat(computation.toByteArray()).isEqualTo(Digests.computation(HONEST, cluster.parties(), LocalProtocol.FRAC_BITS));
    for (List<ProtocolSuite.Result> run : List.of(first, second)) {
      for (ProtocolSuite.Result r : run) {
        assertThat(r.stats().getComputationDigest()).isEqualTo(computation); // the same computation, every run
        assertThat(r.stats().getSessionDigest()).isEqualTo(run.get(0).stats().getSessionDigest()).hasSize(Digests.BYTES);
      }
    }
    assertThat(first.get(0).stats().getSessionDigest()).isNotEqualTo(second.get(0).stats().getSessionDigest());
  }

  /** Agreement costs one digest per ordered pair of parties, sent before the plan's messages. */
  @Test
  void eachPairExchangesOneDigestFirst() {
    ByteString id = freshId();
    List<CompletableFuture<ProtocolSuite.Result>> calls = new ArrayList<>();
    long deadline = System.currentTimeMillis() + 60_000;
    for (int i = 0; i < 3; i++) calls.add(cluster.execute(i, request(id, deadline, HONEST)));
    calls.forEach(CompletableFuture::join);
    List<InProcessCluster.Sent> sent = cluster.sent(id);
    assertThat(sent.stream().filter(m -> m.tag().equals(Agreement.TAG)).count()).isEqualTo(6);
    for (String p : cluster.parties()) {
      List<String> tags = sent.stream().filter(m -> m.from().equals(p)).map(InProcessCluster.Sent::tag).toList();
      assertThat(tags.subList(0, 2)).as("%s's first messages", p).containsOnly(Agreement.TAG);
    }
  }
}
