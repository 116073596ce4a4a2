package smpc.party;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import smpc.core.expr.Compiler;
import smpc.core.expr.Parser;
import smpc.core.protocol.Digests;
import smpc.core.protocol.LocalProtocol;
import smpc.core.protocol.ProtocolSuite;
import smpc.core.protocol.StoredValue;
import smpc.core.ring.Packing;
import smpc.proto.DType;
import smpc.proto.DealerGrpc;
import smpc.proto.ExecuteRequest;
import smpc.proto.Kind;
import smpc.proto.Plan;
import smpc.proto.SeedKeyRequest;
import smpc.proto.ValueInfo;

/**
 * What a session's start sends between the real party and dealer services: each party's agreement message
 * carries its dealer seed's id and the seeds of its input sharings, so a sharing sends no message of its own and
 * no party asks the dealer anything when a session starts. A seed the dealer no longer holds fails one session,
 * naming the cause, and the next runs on fresh seeds.
 */
class SessionStartTest {
  private static final int N = 5;
  private static InProcessCluster cluster;
  private static final long[] X = new long[N], Y = new long[N];

  @BeforeAll
  static void start() throws Exception {
    cluster = new InProcessCluster(List.of("alice", "bob", "carol"), LocalProtocol.FRAC_BITS);
    Random rnd = new Random(5);
    for (int i = 0; i < N; i++) {
      X[i] = rnd.nextInt(1 << 20) - (1 << 19);
      Y[i] = rnd.nextInt(1 << 20) - (1 << 19);
    }
    cluster.input(new StoredValue(info("x", "alice"), X));
    cluster.input(new StoredValue(info("y", "bob"), Y));
  }

  @AfterAll
  static void stop() {
    if (cluster != null) cluster.close();
  }

  private static ValueInfo info(String name, String owner) {
    return ValueInfo.newBuilder().setName(name).setKind(Kind.PRIVATE).setDtype(DType.INT).setLength(N).setOwner(owner).build();
  }

  /** (x*y) - 5*(x+y) revealed to carol: the seed example on vectors of alice's x and bob's y, compiled as the SDK does. */
  private static Plan plan() {
    Map<String, ValueInfo> catalog = Map.of("x", info("x", "alice"), "y", info("y", "bob"));
    return Compiler.compile(List.of(Compiler.Output.reveal(Parser.parse("(x*y) - 5*(x+y)"), "carol")), cluster.parties(), catalog::get,
        LocalProtocol.FRAC_BITS).plan();
  }

  private static long[] expected() {
    long[] out = new long[N];
    for (int i = 0; i < N; i++) out[i] = X[i] * Y[i] - 5 * (X[i] + Y[i]);
    return out;
  }

  private static ByteString freshId() {
    byte[] sid = new byte[16];
    new java.security.SecureRandom().nextBytes(sid);
    return ByteString.copyFrom(sid);
  }

  /** One session's Execute call to every party, as a coordinator makes them. */
  private static List<java.util.concurrent.CompletableFuture<ProtocolSuite.Result>> execute(Plan plan, ByteString session) {
    ExecuteRequest req = ExecuteRequest.newBuilder().setSessionId(session).addAllParties(cluster.parties())
        .setDeadlineUnixMs(System.currentTimeMillis() + 60_000).setPlan(plan).setFracBits(LocalProtocol.FRAC_BITS).build();
    return java.util.stream.IntStream.range(0, 3).mapToObj(i -> cluster.execute(i, req)).toList();
  }

  @Test
  void theInputSeedsAndTheDealerSeedIdsRideOnTheAgreement() {
    ByteString session = freshId();
    List<ProtocolSuite.Result> run = execute(plan(), session).stream().map(java.util.concurrent.CompletableFuture::join).toList();
    assertThat(Packing.fromByteString(run.get(2).revealed().get(0).getData())).containsExactly(expected());
    for (ProtocolSuite.Result r : run) {
      assertThat(r.stats().getRounds()).as("one Beaver round and the reveal").isEqualTo(2);
      assertThat(r.stats().getDealerBytes()).isGreaterThanOrEqualTo(16); // its seed, derived from its key
    }
    List<InProcessCluster.Sent> sent = cluster.sent(session);
    assertThat(sent).extracting(InProcessCluster.Sent::tag).as("no sharing message").noneMatch(t -> t.startsWith("s/"));
    for (InProcessCluster.Sent m : sent.stream().filter(m -> m.tag().equals(Agreement.TAG)).toList()) {
      // digest, audit log head, dealer key id, and a 16-byte seed from each input's owner
      long owned = m.from().equals("carol") ? 0 : 1;
      assertThat(m.bytes()).as("%s to %s", m.from(), m.to()).isEqualTo(2 * Digests.BYTES + 16 + 16 * owned);
    }
  }

  /**
   * A session's seeds are derived from its id and deadline, so a party never runs one session id twice while its
   * deadline allows, even long after the first run ended.
   */
  @Test
  void aSessionIdRunsOnceWithinItsDeadline() {
    ByteString session = freshId();
    long deadline = System.currentTimeMillis() + 3_600_000; // longer than an ended session is otherwise remembered
    ExecuteRequest req = ExecuteRequest.newBuilder().setSessionId(session).addAllParties(cluster.parties())
        .setDeadlineUnixMs(deadline).setPlan(plan()).setFracBits(LocalProtocol.FRAC_BITS).build();
    List<java.util.concurrent.CompletableFuture<ProtocolSuite.Result>> first = java.util.stream.IntStream.range(0, 3)
        .mapToObj(i -> cluster.execute(i, req)).toList();
    assertThat(Packing.fromByteString(first.get(2).join().revealed().get(0).getData())).containsExactly(expected());
    first.forEach(java.util.concurrent.CompletableFuture::join);
    for (int i = 0; i < 3; i++) {
      assertThatThrownBy(cluster.execute(i, req)::join).hasMessageContaining("session was aborted or already ran");
    }
    // an Abort after the run (which ends the id again, for the usual ten minutes) does not shorten that
    cluster.abort(session);
    Mailbox box = new Mailbox(1 << 20);
    box.end(session, deadline);
    box.end(session);
    assertThat(box.endedUntil(session)).isEqualTo(deadline);
  }

  /**
   * The dealer keeps a party's newest keys only (and forgets them all when it restarts): the next session that names
   * bob's older key fails with the dealer's reason, bob fetches a new key, and the session after runs, its designated
   * party's guess of bob's key corrected by the agreement. Twice at once: the second time bob's key is a moment old,
   * which once kept it (a key was fetched again at most every second) and failed the session after too.
   */
  @Test
  void aKeyTheDealerNoLongerHoldsFailsOneSessionAndTheNextRunsOnANewOne() throws Exception {
    assertThat(Packing.fromByteString(cluster.run(plan()).get(2).revealed().get(0).getData())).containsExactly(expected());
    for (int round = 0; round < 2; round++) {
      ManagedChannel ch = cluster.dealerChannel();
      try { // newer keys push out bob's (plaintext: the dealer takes the name as given)
        for (int k = 0; k < 64; k++) DealerGrpc.newBlockingStub(ch).seedKey(SeedKeyRequest.newBuilder().setParty("bob").build());
      } finally {
        ch.shutdownNow();
      }
      // the designated party's session fails by the dealer's refusal; the coordinator then aborts the others (as
      // smpc.sdk.Sessions does), and each party, its session failed past the agreement or ended before the abort (its
      // opening left before the designated party heard from the dealer), fetches a new key
      ByteString failing = freshId();
      List<java.util.concurrent.CompletableFuture<ProtocolSuite.Result>> calls = execute(plan(), failing);
      assertThatThrownBy(calls.get(0)::join).as("round %d", round)
          .hasMessageContaining("the seed key of party bob that this session names is not one the dealer holds");
      cluster.abort(failing);
      for (var c : calls) c.handle((r, e) -> null).join(); // the others fail, or ended before the abort
      assertThat(Packing.fromByteString(cluster.run(plan()).get(2).revealed().get(0).getData())).as("round %d", round)
          .containsExactly(expected());
    }
  }

  /**
   * An Abort that finds a session still waiting for its agreement makes the key it named suspect all the same: its id
   * left with the agreement message, and the designated party may have named it to the dealer. (Neither the abort nor
   * the session's failure, before its agreement passed, fetched a new key, and the next session failed again.)
   */
  @Test
  void anAbortDuringTheAgreementMakesTheKeySuspect() throws Exception {
    assertThat(Packing.fromByteString(cluster.run(plan()).get(2).revealed().get(0).getData())).containsExactly(expected());
    ManagedChannel ch = cluster.dealerChannel();
    try {
      for (int k = 0; k < 64; k++) DealerGrpc.newBlockingStub(ch).seedKey(SeedKeyRequest.newBuilder().setParty("bob").build());
    } finally {
      ch.shutdownNow();
    }
    ByteString waiting = freshId();
    ExecuteRequest req = ExecuteRequest.newBuilder().setSessionId(waiting).addAllParties(cluster.parties())
        .setDeadlineUnixMs(System.currentTimeMillis() + 60_000).setPlan(plan()).setFracBits(LocalProtocol.FRAC_BITS).build();
    // carol never starts it: alice and bob wait for her agreement message, bob's own (naming his lost key) sent
    List<java.util.concurrent.CompletableFuture<ProtocolSuite.Result>> calls = List.of(cluster.execute(0, req), cluster.execute(1, req));
    for (long end = System.nanoTime() + 20_000_000_000L; System.nanoTime() < end
        && cluster.sent(waiting).stream().noneMatch(m -> m.from().equals("bob") && m.tag().equals(Agreement.TAG)); ) {
      Thread.sleep(5);
    }
    assertThat(calls).as("both still wait for carol").noneMatch(java.util.concurrent.CompletableFuture::isDone);
    cluster.abort(waiting);
    for (var c : calls) assertThatThrownBy(c::join).hasMessageContaining("aborted");
    assertThat(Packing.fromByteString(cluster.run(plan()).get(2).revealed().get(0).getData())).as("the session after the abort")
        .containsExactly(expected());
  }
}
