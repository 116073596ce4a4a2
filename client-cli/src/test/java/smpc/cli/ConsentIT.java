package smpc.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static smpc.cli.Adversary.assertStatus;
import static smpc.cli.Adversary.plan;
import static smpc.cli.Adversary.reveal;
import static smpc.cli.Adversary.share;
import static smpc.cli.Adversary.store;

import com.fasterxml.jackson.databind.JsonNode;
import io.grpc.Status;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import smpc.proto.StatusRequest;

/**
 * Owners decide (docs/security.md "Consent"), over real processes with mutual TLS: bob's shared value reaches
 * alice only with bob's consent, whatever the expression, copy or re-sharing; a one-off approval admits one
 * session; a revoked consent stops the next; a policy admits exactly its recipients; an owner always computes
 * on its own values for itself. Alice acts as client-alice only (`--as alice`), as in a two-organisation
 * deployment; bob grants as client-bob.
 */
class ConsentIT {
  static final List<String> ALL = List.of("alice", "bob", "carol");
  static TestCluster cluster;
  static Adversary adv;

  @BeforeAll
  static void start() throws Exception {
    cluster = TestCluster.start(true, "alice", "bob", "carol");
    adv = new Adversary(cluster);
    cluster.ok("--as", "alice", "input", "--party", "alice", "--name", "a", "25");
    cluster.ok("--as", "bob", "input", "--party", "bob", "--name", "b", "50");
    cluster.ok("--as", "bob", "share", "b", "--with", "alice,carol");
  }

  @AfterAll
  static void stop() throws Exception {
    if (adv != null) adv.close();
    if (cluster != null) cluster.close();
  }

  private static TestCluster.Result alice(String... args) {
    return cluster.cli(prefixed("alice", args));
  }

  private static String bob(String... args) {
    return cluster.ok(prefixed("bob", args));
  }

  private static String[] prefixed(String as, String... args) {
    String[] all = new String[args.length + 2];
    all[0] = "--as";
    all[1] = as;
    System.arraycopy(args, 0, all, 2, args.length);
    return all;
  }

  private static void assertMissingConsent(TestCluster.Result r) {
    assertThat(r.code()).as(r.out() + r.err()).isEqualTo(1);
    assertThat(r.err()).startsWith("smpc: error: bob's consent is missing: the output").contains(" depends on ").hasLineCount(1);
    assertThat(r.out()).isEmpty(); // nothing revealed
  }

  @ParameterizedTest
  @ValueSource(strings = {"b", "b*1", "b+0", "sum(b)", "b - a + a", "(b > 10) * b"})
  void bobsValueDoesNotReachAliceWithoutConsent(String expr) {
    assertMissingConsent(alice("eval", expr, "--reveal-to", "alice"));
  }

  @Test
  void aCopyOrAReShareNeedsConsentToo() {
    assertMissingConsent(alice("eval", "b*1", "--name", "copy"));
    assertThat(adv.info("alice", "copy")).isNull();
    assertMissingConsent(alice("eval", "b", "--reveal-to", "alice", "--name", "both")); // revealed and kept shared by alice
    assertThat(adv.info("carol", "both")).isNull();
  }

  @Test
  void aStoredResultKeepsItsOwnersSoItsCopiesNeedConsent() throws Exception {
    bob("eval", "b*2", "--name", "b2"); // bob's own result, kept by bob: his own use
    assertThat(adv.info("alice", "b2").getProvenanceList()).containsExactly("bob");
    cluster.ok("--as", "alice", "input", "--party", "alice", "--name", "a2", "3");
    // alice's computation on both: its result depends on bob too, and carries him. bob cannot list alice's
    // private a2, so he approves the digest alice's preview shows
    String digest = Results.JSON.readTree(alice("eval", "b2 + a2", "--name", "mixed", "--explain", "--json").out()).get("computation_digest").asText();
    assertMissingConsent(alice("eval", "b2 + a2", "--name", "mixed"));
    bob("approve", "--digest", digest);
    assertThat(alice("eval", "b2 + a2", "--name", "mixed").code()).isZero();
    assertThat(adv.info("carol", "mixed").getProvenanceList()).containsExactly("alice", "bob");
    assertMissingConsent(alice("eval", "mixed", "--reveal-to", "alice"));
  }

  @Test
  void aResultKeptByAliceStillNeedsBobsConsentForAnythingMore() {
    bob("approve", "b", "--reveal-to", "alice", "--name", "mine");
    assertThat(alice("eval", "b", "--reveal-to", "alice", "--name", "mine").out().trim()).isEqualTo("50");
    assertThat(adv.info("carol", "mine").getOwner()).isEqualTo("alice"); // kept by alice's client
    assertThat(adv.info("carol", "mine").getProvenanceList()).containsExactly("bob"); // and still bob's
    assertMissingConsent(alice("eval", "mine", "--reveal-to", "alice"));
    assertMissingConsent(alice("eval", "mine + 0", "--name", "mine2"));
    assertThat(adv.info("alice", "mine2")).isNull();
  }

  @Test
  void aOneOffApprovalAdmitsOneSession() {
    String approved = bob("approve", "b - 5", "--reveal-to", "alice");
    assertThat(approved).contains("approved on bob").contains("1 use");
    TestCluster.Result first = alice("eval", "b - 5", "--reveal-to", "alice");
    assertThat(first.code()).as(first.err()).isZero();
    assertThat(first.out().trim()).isEqualTo("45");
    assertMissingConsent(alice("eval", "b - 5", "--reveal-to", "alice"));
    // an approval is of one exact computation: another recipient or expression is not covered
    bob("approve", "b - 6", "--reveal-to", "alice", "--uses", "2");
    assertThat(cluster.cli("--as", "carol", "eval", "b - 6", "--reveal-to", "carol").err()).contains("bob's consent is missing");
    assertThat(alice("eval", "b - 6", "--reveal-to", "alice").out().trim()).isEqualTo("44");
    assertThat(alice("eval", "b - 6", "--reveal-to", "alice").out().trim()).isEqualTo("44");
    assertMissingConsent(alice("eval", "b - 6", "--reveal-to", "alice"));
  }

  @Test
  void theExplainedDigestIsWhatBobApproves() throws Exception {
    TestCluster.Result preview = alice("eval", "b * 3", "--reveal-to", "alice", "--explain", "--json");
    assertThat(preview.code()).isZero();
    JsonNode j = Results.JSON.readTree(preview.out());
    String digest = j.get("computation_digest").asText();
    assertThat(j.get("outputs").get(0).get("owners").toString()).isEqualTo("[\"bob\"]");
    assertThat(j.get("consents").get(0).get("present").isNull()).isTrue();
    assertThat(j.get("cost").get("rounds").asInt()).isPositive();
    bob("approve", "--digest", digest);
    JsonNode asBob = Results.JSON.readTree(cluster.ok("--as", "bob", "eval", "b * 3", "--reveal-to", "alice", "--explain", "--json"));
    assertThat(asBob.get("computation_digest").asText()).isEqualTo(digest);
    assertThat(alice("eval", "b * 3", "--reveal-to", "alice").out().trim()).isEqualTo("150");
  }

  @Test
  void theExplainRunsNoSession() {
    long before = sessionsSeen();
    alice("eval", "b * 7", "--reveal-to", "alice", "--explain");
    assertThat(sessionsSeen()).isEqualTo(before);
    assertThat(adv.party("alice", "client-alice").status(StatusRequest.getDefaultInstance()).getActiveSessions()).isZero();
  }

  /** Sessions bob's log shows as done or failed: the preview must add none. */
  private static long sessionsSeen() {
    try {
      return java.nio.file.Files.readAllLines(cluster.dir.resolve("logs").resolve("bob.log")).stream()
          .filter(l -> l.contains(" done: ") || l.contains(" failed: ")).count();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void aRevokedApprovalStopsTheNextSession() {
    String line = bob("approve", "b + 1", "--reveal-to", "alice", "--uses", "5");
    String digest = line.replaceAll("(?s).*digest ([0-9a-f]{64}).*", "$1");
    assertThat(alice("eval", "b + 1", "--reveal-to", "alice").out().trim()).isEqualTo("51");
    assertThat(bob("revoke", "--digest", digest)).contains("revoked 1 consent");
    assertMissingConsent(alice("eval", "b + 1", "--reveal-to", "alice"));
  }

  @Test
  void aPolicyAdmitsExactlyItsRecipients() throws Exception {
    cluster.ok("--as", "bob", "input", "--party", "bob", "--name", "p", "9");
    bob("share", "p", "--with", "alice,carol");
    assertThat(bob("policy", "p", "--allow", "carol")).contains("policy on 'p' admits carol");
    assertThat(cluster.cli("--as", "carol", "eval", "p * 2", "--reveal-to", "carol").out().trim()).isEqualTo("18");
    TestCluster.Result r = alice("eval", "p * 2", "--reveal-to", "alice");
    assertThat(r.err()).contains("bob's consent is missing");
    assertThat(bob("policy")).contains("policy on 'p' admits carol");
    bob("revoke", "--value", "p");
    assertThat(cluster.cli("--as", "carol", "eval", "p * 2", "--reveal-to", "carol").err()).contains("bob's consent is missing");
  }

  @Test
  void anOrganisationWithoutConsentsIsToldSo() {
    assertThat(cluster.ok("--as", "carol", "policy")).isEqualTo("carol: no policies and no approvals (only carol receives what depends on"
        + " its values)\n");
  }

  @Test
  void anOwnerAlwaysComputesOnItsOwnValuesForItself() {
    assertThat(bob("eval", "b * 2 + 1", "--reveal-to", "bob").trim()).isEqualTo("101");
    assertThat(alice("eval", "a * 2", "--reveal-to", "alice").out().trim()).isEqualTo("50");
  }

  @Test
  void onlyTheOwnersClientGrantsAndAnOwnerDeletesEveryShare() throws Exception {
    TestCluster.Result r = alice("policy", "b", "--allow", "alice");
    assertThat(r.code()).isNotZero();
    assertThat(r.err()).contains("depends on bob's inputs: only their clients set its policy");
    assertStatus(adv.refusalOfConsent("bob", "client-alice"), Status.Code.PERMISSION_DENIED, "may not approve computations for bob (only client-bob may)");
    cluster.ok("--as", "bob", "input", "--party", "bob", "--name", "gone", "4");
    bob("share", "gone", "--with", "alice,carol");
    TestCluster.Result notAliceS = alice("rm", "gone"); // alice holds a share but is not its owner: nothing is deleted
    assertThat(notAliceS.err()).contains("'gone' is shared among alice, bob, carol and depends on bob's inputs: only their clients delete it");
    assertThat(adv.info("carol", "gone")).isNotNull();
    assertThat(bob("rm", "gone")).contains("removed gone from alice, bob, carol");
    assertThat(adv.info("alice", "gone")).isNull();
  }

  @Test
  void aHandMadePlanCannotHideAnOwner() {
    // the raw client declares no owner for bob's shared value: every holder refuses before anything moves
    var statuses = adv.execute("client-alice", ALL, plan(Adversary.load("b"), reveal("alice", "")));
    assertThat(statuses.values()).allSatisfy(s -> assertThat(s.getCode()).isNotEqualTo(Status.Code.OK));
    assertThat(statuses.get("bob").getDescription()).contains("depends on the inputs of bob, not of nobody");
    // a SHARE of bob's private value by another organisation's client, stored shared: needs bob's consent
    cluster.ok("--as", "bob", "input", "--party", "bob", "--name", "q", "11");
    var s2 = adv.execute("client-alice", ALL, plan(share("bob", "q"), store("q2", false, "")));
    assertThat(s2.get("bob").getDescription()).contains("bob's consent is missing");
    assertThat(adv.info("alice", "q2")).isNull();
  }
}
