package smpc.party;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import smpc.core.Failure;
import smpc.net.Tls;
import smpc.proto.Approval;
import smpc.proto.Instr;
import smpc.proto.Kind;
import smpc.proto.Op;
import smpc.proto.Plan;
import smpc.proto.Policy;
import smpc.proto.RevokeRequest;
import smpc.proto.ValueInfo;

/** bob's party's consent decisions ({@link Consents#admit}), every form and its limits, without processes. */
class ConsentsTest {
  static final List<String> ALL = List.of("alice", "bob", "carol");
  static final Authorizer.Principal BOB = new Authorizer.Principal("client-bob", Tls.CLIENT, "bob");
  static final Authorizer.Principal ALICE = new Authorizer.Principal("client-alice", Tls.CLIENT, "alice");
  static final byte[] DIGEST = new byte[32], OTHER = new byte[32];

  static {
    DIGEST[0] = 1;
    OTHER[0] = 2;
  }

  @TempDir Path dir;

  /** LOAD of bob's shared b (dst 0), alice's private a SHAREd (dst 1), then one output per builder. */
  private static Plan plan(Instr.Builder... outputs) {
    Plan.Builder p = Plan.newBuilder()
        .addInstrs(Instr.newBuilder().setOp(Op.LOAD).addDst(0).setName("b").addProvenance("bob"))
        .addInstrs(Instr.newBuilder().setOp(Op.SHARE).addDst(1).setName("a").setParty("alice"));
    for (Instr.Builder o : outputs) p.addInstrs(o);
    return p.build();
  }

  private static Instr.Builder reveal(String to, int src) {
    return Instr.newBuilder().setOp(Op.REVEAL).addSrc(src).setParty(to);
  }

  private static Instr.Builder store(String name, int src) {
    return Instr.newBuilder().setOp(Op.STORE).addSrc(src).setName(name);
  }

  private static void assertMissing(Runnable r) {
    assertThatThrownBy(r::run).isInstanceOf(Failure.class).hasMessageContaining("bob's consent is missing");
  }

  private static ValueInfo b() {
    return ValueInfo.newBuilder().setName("b").setKind(Kind.SHARED).setOwner("bob").addProvenance("bob").addAllParties(ALL).build();
  }

  @Test
  void outputsNotDependingOnBobOrForBobNeedNothing() {
    Consents c = new Consents("bob", null);
    assertThat(c.admit(ALICE, plan(reveal("alice", 1)), ALL, DIGEST)).isEmpty(); // alice's a only
    assertThat(c.admit(BOB, plan(reveal("bob", 0)), ALL, DIGEST)).isEmpty(); // bob's own use
    assertThat(c.admit(null, plan(reveal("alice", 0)), ALL, DIGEST)).isEmpty(); // plaintext: nothing decided
  }

  @Test
  void bobsOwnClientAskingIsBobsConsent() {
    assertThat(new Consents("bob", null).admit(BOB, plan(reveal("alice", 0)), ALL, DIGEST)).containsExactly("requested by client-bob");
  }

  @Test
  void anotherOrganisationNeedsAnApprovalOfThisVeryDigestWithUsesLeft() {
    Consents c = new Consents("bob", null);
    Plan p = plan(reveal("alice", 0));
    assertMissing(() -> c.admit(ALICE, p, ALL, DIGEST));
    c.approve(BOB, Approval.newBuilder().setComputationDigest(ByteString.copyFrom(OTHER)).build());
    assertMissing(() -> c.admit(ALICE, p, ALL, DIGEST));
    c.approve(BOB, Approval.newBuilder().setComputationDigest(ByteString.copyFrom(DIGEST)).setUses(2).build());
    assertThat(c.admit(ALICE, p, ALL, DIGEST)).singleElement().asString().startsWith("approval 0100000000000000 by client-bob");
    c.admit(ALICE, p, ALL, DIGEST);
    assertMissing(() -> c.admit(ALICE, p, ALL, DIGEST));
  }

  @Test
  void aStoreIsKeptByTheCallersOrganisationAndNeedsConsentLikeAReveal() {
    Consents c = new Consents("bob", null);
    assertMissing(() -> c.admit(ALICE, plan(store("copy", 0)), ALL, DIGEST));
    assertThat(c.admit(BOB, plan(store("copy", 0)), ALL, DIGEST)).isEmpty(); // kept by bob: his own use
  }

  @Test
  void anExpiredApprovalAdmitsNothingAndCannotBeGranted() {
    Consents c = new Consents("bob", null);
    assertThatThrownBy(() -> c.approve(BOB, Approval.newBuilder().setComputationDigest(ByteString.copyFrom(DIGEST))
        .setExpiresUnixMs(System.currentTimeMillis() - 1).build())).hasMessageContaining("expired already");
    assertThatThrownBy(() -> c.approve(BOB, Approval.newBuilder().setComputationDigest(ByteString.copyFrom(new byte[5])).build()))
        .hasMessageContaining("computation digest of 32 bytes, got 5");
    assertThatThrownBy(() -> c.approve(BOB, Approval.newBuilder().setComputationDigest(ByteString.copyFrom(DIGEST)).setUses(-3).build()))
        .hasMessageContaining("1 to 1000000 uses");
  }

  @Test
  void aPolicyAdmitsExactlyItsRecipientsUntilRevoked() {
    Consents c = new Consents("bob", null);
    c.setPolicy(BOB, Policy.newBuilder().setValue("b").addRecipients("carol").build(), b(), ALL);
    assertThat(c.admit(ALICE, plan(reveal("carol", 0)), ALL, DIGEST)).containsExactly("policy on 'b' admits carol");
    assertMissing(() -> c.admit(ALICE, plan(reveal("alice", 0)), ALL, DIGEST));
    assertThat(c.revoke(RevokeRequest.newBuilder().setValue("b").build())).isEqualTo(1);
    assertMissing(() -> c.admit(ALICE, plan(reveal("carol", 0)), ALL, DIGEST));
  }

  @Test
  void aPolicyIsSetOnlyOnValuesDependingOnThisOrganisationAndForKnownParties() {
    Consents c = new Consents("bob", null);
    ValueInfo alices = ValueInfo.newBuilder().setName("s").setKind(Kind.SHARED).setOwner("alice").addProvenance("alice").build();
    assertThatThrownBy(() -> c.setPolicy(BOB, Policy.newBuilder().setValue("s").addRecipients("carol").build(), alices, ALL))
        .hasMessageContaining("does not depend on bob's inputs");
    assertThatThrownBy(() -> c.setPolicy(BOB, Policy.newBuilder().setValue("b").addRecipients("mallory").build(), b(), ALL))
        .hasMessageContaining("'mallory' is not a party");
    assertThatThrownBy(() -> c.setPolicy(BOB, Policy.newBuilder().setValue("x").build(), null, ALL)).hasMessageContaining("not found");
  }

  @Test
  void anOutputDependingOnAnAbsentOwnerIsRefusedByEveryParty() {
    Plan p = Plan.newBuilder().addInstrs(Instr.newBuilder().setOp(Op.LOAD).addDst(0).setName("d").addProvenance("dave"))
        .addInstrs(reveal("alice", 0)).build();
    for (String me : ALL) {
      assertThatThrownBy(() -> new Consents(me, null).admit(ALICE, p, ALL, DIGEST))
          .hasMessageContaining("depends on dave's inputs, and dave takes no part in this session to consent");
    }
  }

  @Test
  void consentsSurviveARestartAndARevocationToo(@TempDir Path data) {
    Consents c = new Consents("bob", data);
    c.approve(BOB, Approval.newBuilder().setComputationDigest(ByteString.copyFrom(DIGEST)).setUses(3).build());
    c.setPolicy(BOB, Policy.newBuilder().setValue("b").addRecipients("carol").build(), b(), ALL);
    Consents again = new Consents("bob", data);
    assertThat(again.list().getApprovals(0).getUses()).isEqualTo(3);
    assertThat(again.list().getPolicies(0).getRecipientsList()).containsExactly("carol");
    again.admit(ALICE, plan(reveal("alice", 0)), ALL, DIGEST); // a use spent is spent on disk
    assertThat(new Consents("bob", data).list().getApprovals(0).getUses()).isEqualTo(2);
    again.revoke(RevokeRequest.newBuilder().setComputationDigest(ByteString.copyFrom(DIGEST)).build());
    again.forget("b");
    assertThat(new Consents("bob", data).list().getApprovalsCount() + new Consents("bob", data).list().getPoliciesCount()).isZero();
  }

  @Test
  void batchedProductsKeepTheirOutputsApart() {
    // one MUL of (b*b) and (a*a): the second product's reveal to alice does not depend on bob's b
    Plan p = plan(Instr.newBuilder().setOp(Op.MUL).addSrc(0).addSrc(0).addSrc(1).addSrc(1).addDst(2).addDst(3),
        reveal("alice", 3), reveal("bob", 2));
    assertThat(new Consents("bob", null).admit(ALICE, p, ALL, DIGEST)).isEmpty();
    Plan mixed = plan(Instr.newBuilder().setOp(Op.MUL).addSrc(0).addSrc(1).addDst(2), reveal("alice", 2));
    assertMissing(() -> new Consents("bob", null).admit(ALICE, mixed, ALL, DIGEST));
  }
}
