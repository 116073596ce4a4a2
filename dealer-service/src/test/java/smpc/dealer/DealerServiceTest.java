package smpc.dealer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import smpc.net.Grpc;
import smpc.core.protocol.SessionSeeds;
import smpc.core.protocol.Streams;
import smpc.core.ring.Packing;
import smpc.proto.CorrectionsChunk;
import smpc.proto.CorrectionsRequest;
import smpc.proto.DealerGrpc;
import smpc.proto.SeedKeyRequest;
import smpc.proto.StatusRequest;

/** The dealer over real gRPC on loopback. */
class DealerServiceTest {
  static final List<String> PARTIES = List.of("alice", "bob", "carol");
  static DealerNode dealer;
  static ManagedChannel channel;
  static DealerGrpc.DealerBlockingStub stub;

  @BeforeAll
  static void start() throws Exception {
    dealer = DealerNode.start("127.0.0.1", 0);
    channel = Grpc.channel("127.0.0.1:" + dealer.port());
    stub = DealerGrpc.newBlockingStub(channel);
  }

  @AfterAll
  static void stop() {
    Grpc.close(channel);
    dealer.close();
  }

  static ByteString newSession() {
    byte[] id = new byte[16];
    new SecureRandom().nextBytes(id);
    return ByteString.copyFrom(id);
  }

  /** Every session of these tests ends at this deadline (a party's seed is derived from the session id and deadline). */
  static final long DEADLINE = System.currentTimeMillis() + 600_000;

  /** A party's seed key, as smpc.party.DealerKeys fetches it. */
  record Key(ByteString id, byte[] key) {
    /** Its seed in the session {@code session} of the three parties with {@code keys}. */
    byte[] seed(ByteString session, List<Key> keys) {
      return SessionSeeds.seed(key, SessionSeeds.context(session, DEADLINE, PARTIES, keys.stream().map(Key::id).toList()));
    }
  }

  static Key key(String party) {
    var r = stub.seedKey(SeedKeyRequest.newBuilder().setParty(party).build());
    return new Key(r.getKeyId(), r.getKey().toByteArray());
  }

  static List<Key> keys() {
    return PARTIES.stream().map(DealerServiceTest::key).toList();
  }

  static CorrectionsRequest.Builder request(ByteString session, List<Key> keys, String party, long start, long count) {
    return CorrectionsRequest.newBuilder().setSessionId(session).setParty(party).setStart(start).setCount(count).addAllParties(PARTIES)
        .addAllKeyIds(keys.stream().map(Key::id).toList()).setDeadlineUnixMs(DEADLINE);
  }

  static long[] corrections(CorrectionsRequest.Builder req) {
    var it = stub.corrections(req.build());
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    while (it.hasNext()) {
      CorrectionsChunk c = it.next();
      out.writeBytes(c.getData().toByteArray());
    }
    return Packing.fromBytes(out.toByteArray());
  }

  static long[] corrections(ByteString session, List<Key> keys, long start, long count) {
    return corrections(request(session, keys, "alice", start, count));
  }

  /**
   * Each party derives its seed from its key and the session; the designated party names every party's key, and its
   * corrections complete valid triples from exactly those seeds. Once the announced kinds went out the session is no
   * longer active, and it is still refused a second time: its seeds would be the same.
   */
  @Test
  void theCorrectionsMatchTheSeedsDerivedFromTheKeysNamedAndGoOutOnce() {
    List<Key> keys = keys();
    ByteString s = newSession();
    int open = stub.status(StatusRequest.getDefaultInstance()).getActiveSessions();
    long[] c0 = corrections(request(s, keys, "alice", 0, 10).setKinds(1));
    assertThat(c0).hasSize(10);
    assertThat(stub.status(StatusRequest.getDefaultInstance()).getActiveSessions()).isEqualTo(open);
    long[][][] abc = new long[3][][];
    for (int i = 0; i < 3; i++) abc[i] = Streams.tripleShares(keys.get(i).seed(s, keys), i == 0, 0, 10);
    for (int k = 0; k < 10; k++) {
      long a = abc[0][0][k] + abc[1][0][k] + abc[2][0][k], b = abc[0][1][k] + abc[1][1][k] + abc[2][1][k];
      assertThat(c0[k] + abc[1][2][k] + abc[2][2][k]).isEqualTo(a * b);
    }
    assertThatThrownBy(() -> corrections(request(s, keys, "alice", 0, 10).setKinds(1))).isInstanceOf(StatusRuntimeException.class)
        .hasMessageContaining("PERMISSION_DENIED").hasMessageContaining("already handed out");
    // another session under the same keys gets other seeds
    assertThat(keys.get(1).seed(newSession(), keys)).isNotEqualTo(keys.get(1).seed(s, keys));
  }

  @Test
  void partiesExpandValidTriplesFromTheirOwnSeedsAndTheCorrections() {
    List<Key> keys = keys();
    ByteString s = newSession();
    long[] c0 = corrections(s, keys, 1000, 300_000); // spans several 1 MiB chunks
    assertThat(c0).hasSize(300_000);
    long[][] sums = new long[3][300_000];
    for (int i = 0; i < 3; i++) {
      long[][] abc = Streams.tripleShares(keys.get(i).seed(s, keys), i == 0, 1000, 300_000);
      for (int k = 0; k < 300_000; k++) {
        sums[0][k] += abc[0][k];
        sums[1][k] += abc[1][k];
        sums[2][k] += i == 0 ? c0[k] : abc[2][k];
      }
    }
    for (int k = 0; k < 300_000; k += 997) assertThat(sums[2][k]).isEqualTo(sums[0][k] * sums[1][k]);
  }

  @Test
  void aPartyCannotObtainAnotherPartysMaterial() {
    List<Key> keys = keys();
    // only the designated party receives corrections
    assertThatThrownBy(() -> corrections(request(newSession(), keys, "bob", 0, 10))).hasMessageContaining("PERMISSION_DENIED")
        .hasMessageContaining("only the designated party (the first of the session's parties) receives corrections, not 'bob'");
    // a key is looked up in its own party's place only: bob's key named as carol's is refused
    List<Key> swapped = List.of(keys.get(0), keys.get(1), keys.get(1));
    assertThatThrownBy(() -> corrections(newSession(), swapped, 0, 4)).hasMessageContaining("the seed key of party carol");
    assertThatThrownBy(() -> corrections(newSession(), keys.subList(0, 2), 0, 4)).hasMessageContaining("name one seed key per party: 2 key ids for 3 parties");
    ByteString s = newSession();
    assertThat(corrections(s, keys, 0, 4)).hasSize(4);
    // the corrections, too, are handed out once per session and kind: a second request (say, by party 1 of a
    // 2-party session claiming to be party 0, to learn c = a*b) is refused
    assertThatThrownBy(() -> corrections(s, keys, 0, 4)).hasMessageContaining("already handed out");
    // a released session is refused too (its seeds would be the same), until its deadline
    ByteString r = newSession();
    assertThat(corrections(request(r, keys, "alice", 0, 4).setMaterial(1).setFracBits(16))).hasSize(8);
    stub.release(smpc.proto.ReleaseRequest.newBuilder().setSessionId(r).setParty("alice").build());
    assertThatThrownBy(() -> corrections(r, keys, 0, 4)).hasMessageContaining("already handed out");
  }

  /**
   * The attack the context binding stops: the designated party asks for the same session's corrections again under
   * another key of its own (or a made-up list of parties). Were bob's and carol's seeds the same in both, their c_i
   * would cancel in c₀ − c₀′ and leave linear equations in the sums of their masks. They are not: a seed is a PRF of
   * the whole context, so the second request meets seeds no honest party of the session uses.
   */
  @Test
  void anotherContextOfTheSameSessionMeetsOtherSeeds() {
    List<Key> keys = keys(), other = List.of(key("alice"), keys.get(1), keys.get(2));
    ByteString s = newSession();
    long[] c0 = corrections(s, keys, 0, 16), c0b = corrections(s, other, 0, 16);
    assertThat(keys.get(1).seed(s, other)).isNotEqualTo(keys.get(1).seed(s, keys));
    assertThat(keys.get(2).seed(s, other)).isNotEqualTo(keys.get(2).seed(s, keys));
    // each answer completes triples with the seeds of its own context only
    for (List<Key> ks : List.of(keys, other)) {
      long[] c = ks == keys ? c0 : c0b;
      long[][][] abc = new long[3][][];
      for (int i = 0; i < 3; i++) abc[i] = Streams.tripleShares(ks.get(i).seed(s, ks), i == 0, 0, 16);
      for (int k = 0; k < 16; k++) {
        long a = abc[0][0][k] + abc[1][0][k] + abc[2][0][k], b = abc[0][1][k] + abc[1][1][k] + abc[2][1][k];
        assertThat(c[k] + abc[1][2][k] + abc[2][2][k]).isEqualTo(a * b);
      }
    }
    // bob's terms do not cancel between the two: c0 − c0b is not what it would be with bob's and carol's seeds shared
    long[][] aliceA = Streams.tripleShares(keys.get(0).seed(s, keys), true, 0, 16), aliceB = Streams.tripleShares(other.get(0).seed(s, other), true, 0, 16);
    long[][] bob = Streams.tripleShares(keys.get(1).seed(s, keys), false, 0, 16), carol = Streams.tripleShares(keys.get(2).seed(s, keys), false, 0, 16);
    int cancelled = 0;
    for (int k = 0; k < 16; k++) {
      long a = aliceA[0][k] + bob[0][k] + carol[0][k], b = aliceA[1][k] + bob[1][k] + carol[1][k];
      long a2 = aliceB[0][k] + bob[0][k] + carol[0][k], b2 = aliceB[1][k] + bob[1][k] + carol[1][k];
      if (c0[k] - c0b[k] == a * b - a2 * b2) cancelled++;
    }
    assertThat(cancelled).isZero();
  }

  /** A party's newest keys are kept; an older one than that is refused, naming the party. */
  @Test
  void aPartyKeepsItsNewestKeysOnly() {
    Key old = key("bob");
    for (int k = 0; k < SeedKeys.MAX_PER_PARTY; k++) key("bob");
    List<Key> keys = List.of(key("alice"), old, key("carol"));
    assertThatThrownBy(() -> corrections(newSession(), keys, 0, 4)).hasMessageContaining("FAILED_PRECONDITION")
        .hasMessageContaining("the seed key of party bob that this session names is not one the dealer holds");
  }

  /** A dealer of its own with the given caps (sessions whole, and finished) per designated party, and the parties' key ids. */
  private static final class Capped implements AutoCloseable {
    final java.util.concurrent.ExecutorService compute = java.util.concurrent.Executors.newCachedThreadPool();
    final DealerService service;
    final io.grpc.Server server;
    final ManagedChannel ch;
    final DealerGrpc.DealerBlockingStub stub;
    final java.util.Map<String, ByteString> ids = new java.util.HashMap<>();

    Capped(int whole, int finished) throws java.io.IOException {
      service = new DealerService(compute, whole, finished);
      server = Grpc.serve("127.0.0.1", 0, null, true, 4 << 20, service);
      ch = Grpc.channel("127.0.0.1:" + server.getPort());
      stub = DealerGrpc.newBlockingStub(ch);
      for (String p : PARTIES) ids.put(p, stub.seedKey(SeedKeyRequest.newBuilder().setParty(p).build()).getKeyId());
    }

    /** The bytes of 3 triples' corrections of session {@code sid}, asked by its designated party; kinds 0 announces none. */
    long corrections(ByteString sid, List<String> parties, int kinds) {
      var it = stub.corrections(CorrectionsRequest.newBuilder().setSessionId(sid).setParty(parties.get(0)).setStart(0).setCount(3)
          .setKinds(kinds).addAllParties(parties).addAllKeyIds(parties.stream().map(ids::get).toList()).setDeadlineUnixMs(DEADLINE).build());
      long bytes = 0;
      while (it.hasNext()) bytes += it.next().getData().size();
      return bytes;
    }

    @Override
    public void close() throws InterruptedException {
      Grpc.close(ch);
      server.shutdownNow().awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
      compute.shutdownNow();
    }
  }

  /**
   * The dealer keeps each session until past its deadline, at most so many per designated party: a party that
   * opens sessions without end is refused more, with a message naming it, and the sessions other parties designate
   * still open. (With the real cap of 50,000; here 2.)
   */
  @Test
  void aDesignatedPartyHoldsAtMostItsShareOfSessions() throws Exception {
    try (Capped dealer = new Capped(2, 1000)) {
      assertThat(dealer.corrections(newSession(), PARTIES, 0)).isEqualTo(24);
      assertThat(dealer.corrections(newSession(), PARTIES, 0)).isEqualTo(24);
      assertThatThrownBy(() -> dealer.corrections(newSession(), PARTIES, 0)).hasMessageContaining("RESOURCE_EXHAUSTED")
          .hasMessageContaining("party alice has 2 sessions at the dealer until their deadlines");
      assertThat(dealer.corrections(newSession(), List.of("bob", "alice", "carol"), 0)).isEqualTo(24);
    }
  }

  /**
   * A session that handed out all it announced no longer counts among the sessions its designated party holds: it
   * is kept as its context only, which still refuses it until past its deadline, and those are capped on their own.
   * (Caps 2 and 5 here; 50,000 and 500,000 for real.)
   */
  @Test
  void finishedSessionsAreKeptByTheirContextAndCappedOnTheirOwn() throws Exception {
    try (Capped dealer = new Capped(2, 5)) {
      List<ByteString> ran = new java.util.ArrayList<>();
      for (int i = 0; i < 5; i++) { // more than the 2 unfinished sessions alice may hold
        ran.add(newSession());
        assertThat(dealer.corrections(ran.get(i), PARTIES, 1)).isEqualTo(24);
      }
      for (ByteString sid : ran) { // each still refused: its context is kept
        assertThatThrownBy(() -> dealer.corrections(sid, PARTIES, 1)).hasMessageContaining("PERMISSION_DENIED")
            .hasMessageContaining("already handed out");
      }
      assertThatThrownBy(() -> dealer.corrections(newSession(), PARTIES, 1)).hasMessageContaining("RESOURCE_EXHAUSTED")
          .hasMessageContaining("party alice has 5 finished sessions at the dealer until their deadlines");
    }
  }

  /**
   * Past its deadline and the margin after it, a session is forgotten, finished or not, and no longer counts toward
   * its designated party's caps: the party may open others.
   */
  @Test
  void sessionsPastTheirDeadlineAndMarginNoLongerCount() throws Exception {
    try (Capped dealer = new Capped(2, 1)) {
      assertThat(dealer.corrections(newSession(), PARTIES, 0)).isEqualTo(24); // announced nothing: kept whole
      assertThat(dealer.corrections(newSession(), PARTIES, 1)).isEqualTo(24); // finished: kept as its context
      assertThatThrownBy(() -> dealer.corrections(newSession(), PARTIES, 0)).hasMessageContaining("1 finished sessions");
      dealer.service.expire(DEADLINE + DealerService.KEPT_AFTER_MS); // not past the margin yet
      assertThatThrownBy(() -> dealer.corrections(newSession(), PARTIES, 0)).hasMessageContaining("1 finished sessions");
      dealer.service.expire(DEADLINE + DealerService.KEPT_AFTER_MS + 1);
      assertThat(dealer.corrections(newSession(), PARTIES, 0)).isEqualTo(24); // both counts are back to nothing
      assertThat(dealer.corrections(newSession(), PARTIES, 0)).isEqualTo(24);
      assertThatThrownBy(() -> dealer.corrections(newSession(), PARTIES, 0)).hasMessageContaining("2 sessions at the dealer");
    }
  }

  @Test
  void badRequestsGetClearStatusesAndTheDealerStaysUp() {
    ByteString s = newSession();
    List<Key> keys = keys();
    assertThatThrownBy(() -> corrections(request(ByteString.copyFromUtf8("short"), keys, "alice", 0, 1)))
        .hasMessageContaining("INVALID_ARGUMENT").hasMessageContaining("16 bytes");
    assertThat(corrections(s, keys, 0, 4)).hasSize(4);
    assertThatThrownBy(() -> corrections(newSession(), keys(), -1, 10)).hasMessageContaining("out of bounds");
    assertThatThrownBy(() -> corrections(newSession(), keys(), 0, 0)).hasMessageContaining("out of bounds");
    assertThat(stub.status(StatusRequest.getDefaultInstance()).getRole()).isEqualTo("dealer");
  }

  /**
   * Dealer-assisted alignment: once every party asked, the first party gets the PRF of each of its tags under each
   * other party's key (as core DealerPsi computes it) and everyone the sizes; requests of the wrong shape are refused.
   */
  @Test
  void theFirstPartyGetsThePrfOfItsTagsUnderEveryKeyOnceAllAsked() throws Exception {
    ByteString id = newSession();
    byte[] a = tags(1, 2, 5, 9), kb = key(7), kc = key(8);
    var pool = java.util.concurrent.Executors.newFixedThreadPool(3);
    try {
      var alice = pool.submit(() -> stub.intersect(intersect(id, "alice", PARTIES, a)));
      var bob = pool.submit(() -> stub.intersect(keyed(id, "bob", PARTIES, kb, 3)));
      var carol = pool.submit(() -> stub.intersect(keyed(id, "carol", PARTIES, kc, 4)));
      byte[] want = smpc.core.psi.DealerPsi.answers(a, List.of(kb, kc), new long[] {0, 3, 4})[0].values();
      smpc.proto.IntersectReply first = alice.get(30, java.util.concurrent.TimeUnit.SECONDS);
      org.assertj.core.api.Assertions.assertThat(first.getValues().toByteArray()).hasSize(2 * 4 * 8).isEqualTo(want);
      for (var f : List.of(alice, bob, carol)) {
        smpc.proto.IntersectReply r = f.get(30, java.util.concurrent.TimeUnit.SECONDS);
        org.assertj.core.api.Assertions.assertThat(r.getSizesList()).containsExactly(4L, 3L, 4L);
        if (f != alice) org.assertj.core.api.Assertions.assertThat(r.getValues().isEmpty()).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> stub.intersect(intersect(id, "alice", PARTIES, a)))
        .hasMessageContaining("already ended (answered or failed)");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> stub.intersect(intersect(newSession(), "dave", PARTIES, a)))
        .hasMessageContaining("party 'dave' is not in the alignment's parties");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> stub.intersect(intersect(newSession(), "alice", PARTIES, new byte[7])))
        .hasMessageContaining("party alice sent 7 bytes, not whole tags of 16");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> stub.intersect(intersect(newSession(), "bob", PARTIES, a)))
        .hasMessageContaining("party bob is not the alignment's first party: it sends a key, and no tag");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> stub.intersect(keyed(newSession(), "carol", PARTIES, new byte[5], 2)))
        .hasMessageContaining("party carol sent a key of 5 bytes, not 32");
  }

  /** One party cannot fill the dealer with alignments that will never complete: its own waiting ones are capped. */
  @Test
  void aPartyHoldsAtMostItsShareOfWaitingAlignments() {
    var async = smpc.proto.DealerGrpc.newStub(channel);
    List<java.util.concurrent.CompletableFuture<Throwable>> waiting = new java.util.ArrayList<>();
    for (int k = 0; k < Intersections.MAX_ROUNDS_PER_PARTY; k++) {
      var f = new java.util.concurrent.CompletableFuture<Throwable>();
      waiting.add(f);
      async.intersect(intersect(newSession(), "mallory", List.of("mallory", "ghost" + k), tags(1)), new io.grpc.stub.StreamObserver<>() {
        public void onNext(smpc.proto.IntersectReply r) {}
        public void onError(Throwable t) { f.complete(t); }
        public void onCompleted() { f.complete(null); }
      });
    }
    long until = System.currentTimeMillis() + 10_000;
    while (true) { // the calls above reach the dealer in their own time
      try {
        stub.withDeadlineAfter(2, java.util.concurrent.TimeUnit.SECONDS).intersect(intersect(newSession(), "mallory", List.of("mallory", "ghost"), tags(1)));
      } catch (StatusRuntimeException e) {
        if (e.getMessage().contains("already has 16 alignments waiting") || System.currentTimeMillis() > until) {
          org.assertj.core.api.Assertions.assertThat(e.getMessage()).contains("party mallory already has 16 alignments waiting at the dealer");
          break;
        }
      }
    }
  }

  /** A request that names other parties is refused; the alignment goes on with the right one. */
  @Test
  void aDisagreeingRequestIsRefusedAndTheAlignmentGoesOn() throws Exception {
    ByteString id = newSession();
    var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      var first = pool.submit(() -> stub.intersect(intersect(id, "alice", List.of("alice", "bob"), tags(1, 2))));
      Thread.sleep(200);
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> stub.intersect(keyed(id, "bob", List.of("alice", "bob", "carol"), key(1), 1)))
          .hasMessageContaining("alignment disagreement");
      var second = pool.submit(() -> stub.intersect(keyed(id, "bob", List.of("alice", "bob"), key(1), 5)));
      org.assertj.core.api.Assertions.assertThat(first.get(30, java.util.concurrent.TimeUnit.SECONDS).getValues().size()).isEqualTo(16);
      org.assertj.core.api.Assertions.assertThat(second.get(30, java.util.concurrent.TimeUnit.SECONDS).getSizesList()).containsExactly(2L, 5L);
    } finally {
      pool.shutdownNow();
    }
  }

  /** A party that gives up fails the parties waiting at the dealer at once, not at the deadline, and ends the alignment. */
  @Test
  void aPartyThatGivesUpFailsTheOthersAtOnce() throws Exception {
    ByteString id = newSession();
    var pool = java.util.concurrent.Executors.newFixedThreadPool(1);
    try {
      var first = pool.submit(() -> stub.intersect(intersect(id, "alice", PARTIES, tags(1, 2))));
      Thread.sleep(200);
      stub.intersect(smpc.proto.IntersectRequest.newBuilder().setSessionId(id).setParty("bob").addAllParties(PARTIES).setAbort(true).build());
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> first.get(10, java.util.concurrent.TimeUnit.SECONDS))
          .hasMessageContaining("party bob gave up the alignment");
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> stub.intersect(keyed(id, "carol", PARTIES, key(3), 2)))
          .hasMessageContaining("ABORTED").hasMessageContaining("party bob gave up the alignment");
    } finally {
      pool.shutdownNow();
    }
  }

  private static smpc.proto.IntersectRequest keyed(ByteString id, String party, List<String> parties, byte[] key, long count) {
    return smpc.proto.IntersectRequest.newBuilder().setSessionId(id).setParty(party).addAllParties(parties)
        .setKey(ByteString.copyFrom(key)).setCount(count).setDeadlineUnixMs(System.currentTimeMillis() + 20_000).build();
  }

  private static byte[] key(int fill) {
    byte[] k = new byte[32];
    java.util.Arrays.fill(k, (byte) fill);
    return k;
  }

  private static smpc.proto.IntersectRequest intersect(ByteString id, String party, List<String> parties, byte[] tags) {
    return smpc.proto.IntersectRequest.newBuilder().setSessionId(id).setParty(party).addAllParties(parties)
        .setTags(ByteString.copyFrom(tags)).setDeadlineUnixMs(System.currentTimeMillis() + 20_000).build();
  }

  /** 16-byte tags whose last byte is each value (so increasing values give increasing tags). */
  private static byte[] tags(int... values) {
    byte[] out = new byte[16 * values.length];
    for (int i = 0; i < values.length; i++) out[16 * i + 15] = (byte) values[i];
    return out;
  }
}
