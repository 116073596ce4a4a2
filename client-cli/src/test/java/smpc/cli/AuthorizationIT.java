package smpc.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static smpc.cli.Adversary.assertRefused;
import static smpc.cli.Adversary.assertStatus;
import static smpc.cli.Adversary.constant;
import static smpc.cli.Adversary.load;
import static smpc.cli.Adversary.plan;
import static smpc.cli.Adversary.reveal;
import static smpc.cli.Adversary.share;
import static smpc.cli.Adversary.store;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.Status.Code;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import smpc.proto.Kind;
import smpc.proto.StatusRequest;
import smpc.proto.ValueInfo;

/**
 * Every cell of docs/security.md's rule table, tried on party alice with a certificate of each kind of
 * principal over real gRPC (the adversarial review's client): alice's own client, another organisation's
 * client (client-bob), the administrator, a peer party and the dealer.
 */
class AuthorizationIT {
  static final List<String> ALL = List.of("alice", "bob", "carol");
  static TestCluster cluster;
  static Adversary adv;

  @BeforeAll
  static void start() throws Exception {
    cluster = TestCluster.start(true, "alice", "bob", "carol");
    adv = new Adversary(cluster);
    adv.input("alice", "client-alice", "salary", 100);
    adv.input("bob", "client-bob", "b", 7);
    // alice's value, shared by her client among all three: others compute on it only with alice's consent (ConsentIT)
    adv.input("alice", "client-alice", "pub", 5);
    assertThat(adv.execute("client-alice", ALL, plan(share("alice", "pub"), store("pub", true, "alice"))).values())
        .containsOnly(Status.OK);
  }

  @AfterAll
  static void stop() throws Exception {
    if (adv != null) adv.close();
    if (cluster != null) cluster.close();
  }

  // ---------------------------------------------------------------- Input, GetValue, Delete, List, Status

  @Test
  void inputByOwnClient() {
    assertThat(adv.input("alice", "client-alice", "in1", 1).getOwner()).isEqualTo("alice");
  }

  @ParameterizedTest
  @ValueSource(strings = {"client-bob", "admin-bob", "bob", "dealer"})
  void inputByAnyoneElseIsRefused(String who) {
    assertRefused(() -> adv.input("alice", who, "squat", 1), Code.PERMISSION_DENIED, "may not store values on alice (only client-alice may)");
    assertThat(adv.info("alice", "squat")).isNull();
  }

  /** Only alice's own client makes alice send points of her ids to peers (and replace her value by its aligned rows). */
  @ParameterizedTest
  @ValueSource(strings = {"client-bob", "admin-alice", "admin-bob", "bob", "dealer"})
  void alignByAnyoneElseIsRefused(String who) {
    smpc.proto.AlignRequest req = smpc.proto.AlignRequest.newBuilder().setSessionId(com.google.protobuf.ByteString.copyFrom(new byte[16]))
        .addAllParties(List.of("alice", "bob")).addIds("x").setRows("salary").setName("salary").setTimeoutMs(5000).build();
    assertRefused(() -> adv.party("alice", who).align(req), Code.PERMISSION_DENIED, "may not store values on alice (only client-alice may)");
    assertThat(adv.get("alice", "client-alice", "salary")).containsExactly(100);
  }

  @Test
  void privateValueReadByOwnClient() {
    assertThat(adv.get("alice", "client-alice", "salary")).containsExactly(100);
  }

  @ParameterizedTest
  @ValueSource(strings = {"client-bob", "admin-bob", "bob", "dealer"})
  void privateValueReadByAnyoneElseIsRefused(String who) {
    assertRefused(() -> adv.get("alice", who, "salary"), Code.PERMISSION_DENIED, "may not read alice's private value 'salary' (only client-alice may)");
  }

  @Test
  void aShareIsReadByNobody() {
    assertRefused(() -> adv.get("alice", "client-alice", "pub"), Code.PERMISSION_DENIED, "is a share; shares never leave a party");
  }

  @ParameterizedTest
  @ValueSource(strings = {"client-alice", "admin-alice"})
  void deleteByOwnClientOrAdmin(String who) {
    adv.input("alice", "client-alice", "del-" + who, 1);
    assertThat(adv.delete("alice", who, "del-" + who)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"client-bob", "admin-bob", "bob", "dealer"})
  void deleteByAnyoneElseIsRefused(String who) {
    assertRefused(() -> adv.delete("alice", who, "salary"), Code.PERMISSION_DENIED, "may not delete values on alice such as 'salary'");
    assertThat(adv.get("alice", "client-alice", "salary")).containsExactly(100);
  }

  @ParameterizedTest
  @ValueSource(strings = {"client-alice", "admin-alice"})
  void listByOwnClientOrAdmin(String who) {
    assertThat(Adversary.names(adv.list("alice", who))).contains("salary", "pub");
  }

  @ParameterizedTest
  @ValueSource(strings = {"client-bob", "admin-bob", "bob", "carol", "dealer"})
  void listByOtherClientsPeersOrTheDealerIsRefused(String who) {
    assertRefused(() -> adv.list("alice", who), Code.PERMISSION_DENIED, "may not list the values of alice (only client-alice or admin-alice");
  }

  @ParameterizedTest
  @ValueSource(strings = {"client-alice", "client-bob", "admin-alice", "admin-bob", "bob", "dealer"})
  void statusByAnyPrincipal(String who) {
    assertThat(adv.party("alice", who).status(StatusRequest.getDefaultInstance()).getName()).isEqualTo("alice");
  }

  // ---------------------------------------------------------------- Abort

  /** A session of client-alice that runs on alice until aborted: it waits for bob's share, never sent. */
  private static ByteString running(CompletableFuture<Status>[] ended) throws Exception {
    // the previous case's aborted session may still be unwinding: counted as active, it would pass the wait
    // below before this session is registered (then an abort finds no session and is refused in other words)
    Waits.until(() -> adv.party("alice", "admin-alice").status(StatusRequest.getDefaultInstance()).getActiveSessions() == 0, Waits.SECONDS,
        "alice to finish the previous test's session");
    ByteString id = Adversary.sessionId();
    ended[0] = adv.start("alice", "client-alice", Adversary.request(id, List.of("alice", "bob"), plan(constant(1), reveal("alice", "")), 30_000));
    Waits.until(() -> adv.party("alice", "admin-alice").status(StatusRequest.getDefaultInstance()).getActiveSessions() > 0, Waits.SECONDS,
        "alice to report the session running");
    return id;
  }

  @ParameterizedTest
  @ValueSource(strings = {"client-alice", "admin-alice"})
  void abortByRequesterOrOwnAdmin(String who) throws Exception {
    @SuppressWarnings("unchecked") CompletableFuture<Status>[] ended = new CompletableFuture[1];
    ByteString id = running(ended);
    assertThat(adv.abort("alice", who, id)).isTrue();
    assertStatus(Waits.get(ended[0], "the aborted session to end"), Code.ABORTED, "session aborted: test");
  }

  @ParameterizedTest
  @ValueSource(strings = {"client-bob", "bob", "dealer"})
  void abortByAStrangerIsRefused(String who) throws Exception {
    @SuppressWarnings("unchecked") CompletableFuture<Status>[] ended = new CompletableFuture[1];
    ByteString id = running(ended);
    try {
      assertRefused(() -> adv.abort("alice", who, id), Code.PERMISSION_DENIED, "may not abort another principal's session");
      assertThat(ended[0]).isNotDone();
    } finally {
      adv.abort("alice", "client-alice", id);
    }
  }

  @Test
  void anEarlyAbortByAStrangerDoesNotStopTheSession() {
    ByteString id = Adversary.sessionId();
    assertThat(adv.abort("alice", "client-bob", id)).isFalse();
    var req = Adversary.request(id, ALL, plan(constant(3), reveal("alice", "")), 15_000);
    List<CompletableFuture<Status>> calls = ALL.stream().map(p -> adv.start(p, "client-alice", req)).toList();
    assertThat(calls.stream().map(CompletableFuture::join)).containsOnly(Status.OK);
  }

  @Test
  void anEarlyAbortByTheRequesterStopsItsSession() {
    ByteString id = Adversary.sessionId();
    assertThat(adv.abort("alice", "client-alice", id)).isFalse();
    Status s = adv.start("alice", "client-alice", Adversary.request(id, ALL, plan(constant(3), reveal("alice", "")), 15_000)).join();
    assertStatus(s, Code.ABORTED, "session was aborted");
  }

  // ---------------------------------------------------------------- Execute and its instructions

  @ParameterizedTest
  @ValueSource(strings = {"admin-alice", "bob", "dealer"})
  void sessionsAreRunByClientsOnly(String who) {
    assertStatus(adv.refusal("alice", who, ALL, plan(constant(1), reveal("bob", ""))), Code.PERMISSION_DENIED, "may not run sessions (only clients may");
  }

  @Test
  void anotherClientRunsSessionsThatTouchNothingOfAlice() {
    assertThat(adv.execute("client-bob", List.of("alice", "bob"), plan(constant(2), reveal("bob", ""))).values()).containsOnly(Status.OK);
  }

  @Test
  void ownClientSharesAlicesPrivateValue() {
    adv.input("alice", "client-alice", "tosh", 9);
    assertThat(adv.execute("client-alice", ALL, plan(share("alice", "tosh"), store("tosh_s", false, ""))).values()).containsOnly(Status.OK);
    assertThat(adv.info("bob", "tosh_s").getOwner()).isEqualTo("alice");
  }

  @Test
  void anotherClientMayNotShareAlicesPrivateValueWithoutHerConsent() {
    assertStatus(adv.refusal("alice", "client-bob", ALL, plan(share("alice", "salary"), reveal("bob", ""))), Code.PERMISSION_DENIED,
        "alice's consent is missing: the output revealed to bob depends on alice's 'salary'");
  }

  /**
   * A party refuses before its agreement message leaves: it carries the party's input seeds, and bob's party, given
   * alice's message while alice refused the consent, ran on and streamed its share of alice's input to client-bob.
   */
  @Test
  void aSessionTheOwnersPartyRefusesHandsTheCallerNoShareOfHerInput() {
    ByteString id = Adversary.sessionId();
    smpc.proto.ExecuteRequest req = Adversary.request(id, List.of("alice", "bob"), plan(share("alice", "salary"), reveal("bob", "")), 15_000)
        .toBuilder().setCallerAddsParts(true).build();
    List<smpc.proto.ExecuteReply> atBob = new java.util.concurrent.CopyOnWriteArrayList<>();
    CompletableFuture<Status> bob = adv.start("bob", "client-bob", req, atBob);
    assertStatus(adv.start("alice", "client-bob", req).join(), Code.PERMISSION_DENIED, "alice's consent is missing");
    adv.abort("bob", "client-bob", id); // as a coordinator would, told of alice's refusal
    assertThat(bob.join().getCode()).isEqualTo(Code.ABORTED);
    assertThat(atBob).as("replies of bob's party").noneMatch(smpc.proto.ExecuteReply::hasRevealed);
  }

  @Test
  void ownClientReceivesResultsRevealedToAlice() {
    assertThat(adv.execute("client-alice", ALL, plan(load("pub", "alice"), reveal("alice", "pub_rev"))).values()).containsOnly(Status.OK);
    assertThat(adv.get("alice", "client-alice", "pub_rev")).containsExactly(5);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "stolen"})
  void anotherClientMayNotRevealToAlice(String name) {
    assertStatus(adv.refusal("alice", "client-bob", ALL, plan(load("pub", "alice"), reveal("alice", name))), Code.PERMISSION_DENIED,
        "client 'client-bob' may not receive results revealed to alice");
    assertThat(adv.info("alice", "stolen")).isNull();
  }

  @Test
  void anotherClientLoadsASharedValueOnlyWithItsOwnersConsent() {
    assertStatus(adv.refusal("alice", "client-bob", ALL, plan(load("pub", "alice"), reveal("bob", ""))), Code.PERMISSION_DENIED,
        "alice's consent is missing: the output revealed to bob depends on shared 'pub' of alice");
    assertThat(adv.execute("client-bob", ALL, plan(load("pub", "alice"), constant(2).setDst(0, 1), reveal("bob", "").setSrc(0, 1))).values())
        .as("a plan whose output does not depend on pub").containsOnly(Status.OK);
  }

  @Test
  void aPrivateValueIsNeverLoaded() {
    assertStatus(adv.refusal("alice", "client-alice", ALL, plan(load("salary", "alice"), reveal("alice", ""))), Code.FAILED_PRECONDITION,
        "value 'salary' on alice is private, not shared");
  }

  @Test
  void anotherClientStoresANewValueOwnedByItsOrganisation() {
    assertThat(adv.execute("client-bob", List.of("alice", "bob"), plan(constant(4), store("bobs", false, ""))).values()).containsOnly(Status.OK);
    ValueInfo v = adv.info("alice", "bobs");
    assertThat(v.getKind()).isEqualTo(Kind.SHARED);
    assertThat(v.getOwner()).isEqualTo("bob");
  }

  /** The review's first attack: client-bob's CONST -> STORE replace=true of alice's private value. */
  @Test
  void anotherClientMayNotReplaceAlicesValue() {
    for (String owner : List.of("", "bob")) {
      assertStatus(adv.refusal("alice", "client-bob", List.of("alice", "bob"), plan(constant(0), store("salary", true, owner))),
          Code.PERMISSION_DENIED, "client 'client-bob' may not replace the value 'salary' on alice, owned by alice");
    }
    assertThat(adv.get("alice", "client-alice", "salary")).containsExactly(100);
    assertThat(adv.info("alice", "salary").getKind()).isEqualTo(Kind.PRIVATE);
  }

  @Test
  void theOwnersClientReplacesItsPrivateValueByItsShare() {
    adv.input("alice", "client-alice", "mine", 8);
    assertThat(adv.execute("client-alice", ALL, plan(share("alice", "mine"), store("mine", true, "alice"))).values()).containsOnly(Status.OK);
    assertThat(adv.info("alice", "mine").getKind()).isEqualTo(Kind.SHARED);
  }

  @Test
  void aForgedOwnerIsRefused() {
    assertStatus(adv.refusal("alice", "client-bob", List.of("alice", "bob"), plan(constant(1), store("forged", false, "alice"))),
        Code.PERMISSION_DENIED, "client 'client-bob' may not store 'forged' as owned by 'alice': a value stored by bob's client is owned by bob");
    assertThat(adv.info("alice", "forged")).isNull();
  }

  /** Squatting: writing a name into the stores of parties the writer's own organisation does not take part with. */
  @Test
  void aSquatInAnotherPartysStoreIsRefused() {
    assertStatus(adv.refusal("alice", "client-bob", List.of("alice", "carol"), plan(constant(1), store("squatted", false, ""))),
        Code.PERMISSION_DENIED, "client 'client-bob' may not store 'squatted' on alice in a session bob takes no part in");
    assertThat(adv.info("alice", "squatted")).isNull();
  }

  @Test
  void anExistingNameIsNotOverwritten() {
    assertStatus(adv.refusal("alice", "client-alice", ALL, plan(constant(1), store("pub", false, ""))), Code.ALREADY_EXISTS,
        "value 'pub' already exists on alice");
  }

  // ---------------------------------------------------------------- least privilege in the CLI

  @Test
  void theCliPicksEachActionsClientAndSaysSoOnce() {
    TestCluster.Result r = cluster.cli("input", "--party", "carol", "--name", "c1", "3");
    assertThat(r.code()).as(r.err()).isZero();
    // the input itself as client-carol; the check that the name is new asks every party as its own client
    assertThat(r.err().lines()).containsExactly("smpc: acted as client-alice, client-bob, client-carol (each action as the client"
        + " of the party it concerns; --as PARTY for one party's client only)");
    TestCluster.Result e = cluster.cli("eval", "c1 * b", "--reveal-to", "carol");
    assertThat(e.out()).isEqualTo("21\n");
    assertThat(e.err().lines()).hasSize(1).first().asString()
        .startsWith("smpc: acted as client-").contains("client-alice", "client-bob", "client-carol").doesNotContain("admin");
  }

  @Test
  void actingAsOnePartysClientTheOthersRefuseWhatItMayNotDo() {
    TestCluster.Result r = cluster.cli("--as", "bob", "eval", "pub * 2", "--reveal-to", "alice");
    assertThat(r.code()).isNotZero();
    assertThat(r.err()).contains("client 'client-bob' may not receive results revealed to alice").doesNotContain("acting as");
    assertThat(cluster.cli("--as", "bob", "eval", "pub * 2", "--reveal-to", "bob").err()).contains("alice's consent is missing");
    assertThat(cluster.cli("--as", "bob", "input", "--party", "alice", "--name", "nope", "1").err())
        .contains("client 'client-bob' may not store values on alice (only client-alice may)");
  }

  @Test
  void perPartyCallersEachConsentForTheirOwnPartWhenTheRequestNamesThem() {
    // the seed example as a single operator runs it: each party is asked by its own client where its data or results are concerned
    var parties = List.of("alice", "bob");
    var named = Adversary.request(Adversary.sessionId(), parties, plan(share("bob", "b"), reveal("alice", "")), 15_000).toBuilder()
        .addAllRequesters(List.of("client-alice", "client-bob")).build();
    assertThat(List.of(adv.start("alice", "client-alice", named), adv.start("bob", "client-bob", named)).stream().map(CompletableFuture::join))
        .containsOnly(Status.OK);
    // unnamed, the parties' session digests bind different callers and disagree
    Map<String, Status> r = adv.execute(new java.util.LinkedHashMap<>(Map.of("alice", "client-alice", "bob", "client-bob")),
        plan(share("bob", "b"), reveal("alice", "")));
    assertThat(r.values()).allSatisfy(s -> assertStatus(s, Code.FAILED_PRECONDITION, "plan disagreement"));
    // a request naming another principal for a party than its caller is refused by that party
    var lying = Adversary.request(Adversary.sessionId(), parties, plan(share("bob", "b"), reveal("alice", "")), 15_000).toBuilder()
        .addAllRequesters(List.of("client-alice", "client-alice")).build();
    assertStatus(adv.start("bob", "client-bob", lying).join(), Code.PERMISSION_DENIED,
        "client 'client-bob' may not run a session whose request names [client-alice, client-alice] as the principals asking its parties");
  }

  /** The digest binds the requesters joined by commas: a list that could join like another (an empty name, a comma) is refused. */
  @Test
  void aRequestersListThatCouldJoinLikeAnotherIsRefused() {
    var base = Adversary.request(Adversary.sessionId(), ALL, plan(share("bob", "b"), reveal("alice", "")), 15_000);
    var comma = base.toBuilder().addAllRequesters(List.of("client-alice", "client-bob", ",client-carol")).build();
    assertStatus(adv.start("bob", "client-bob", comma).join(), Code.PERMISSION_DENIED,
        "client 'client-bob' may not run a session whose request names ',client-carol' among the principals asking its parties:"
            + " no principal's name is empty or has a comma");
    var empty = base.toBuilder().setSessionId(Adversary.sessionId()).addAllRequesters(List.of("", "client-bob", "client-carol")).build();
    assertStatus(adv.start("bob", "client-bob", empty).join(), Code.PERMISSION_DENIED, "names '' among the principals asking its parties");
  }
}
