package smpc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import smpc.net.Grpc;
import smpc.net.Tls;
import smpc.proto.ExecuteReply;
import smpc.proto.ExecuteRequest;
import smpc.proto.Instr;
import smpc.proto.Op;
import smpc.proto.PartyGrpc;
import smpc.proto.Plan;

/**
 * What a cluster keeps within bounds, over mutual TLS: a party's quotas (sessions per principal, a plan's
 * memory, the deadline) from a raw gRPC client, concurrent stores of one name, expressions too deep to compile.
 */
class LimitsIT {
  static final List<String> PARTIES = List.of("alice", "bob", "carol");
  static final SecureRandom RANDOM = new SecureRandom();
  static TestCluster cluster;
  static Path certs;

  @BeforeAll
  static void start() throws Exception {
    cluster = TestCluster.start(true, "alice", "bob", "carol");
    certs = cluster.dir.resolve("certs");
    cluster.ok("input", "--party", "alice", "--name", "a", "25");
    cluster.ok("input", "--party", "bob", "--name", "b", "50");
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) cluster.close();
  }

  static ManagedChannel alice(String principal) {
    String address = cluster.config().parties().stream().filter(n -> n.name().equals("alice")).findFirst().orElseThrow().address();
    return Grpc.channel(address, new Tls(certs, principal));
  }

  static ExecuteRequest request(Plan plan, long deadlineMs) {
    byte[] id = new byte[16];
    RANDOM.nextBytes(id);
    return ExecuteRequest.newBuilder().setSessionId(ByteString.copyFrom(id)).addAllParties(PARTIES)
        .setDeadlineUnixMs(System.currentTimeMillis() + deadlineMs).setPlan(plan).build();
  }

  /** Sends an Execute to alice alone; the future completes with how alice ended it (null for success). */
  static CompletableFuture<Throwable> execute(ManagedChannel ch, ExecuteRequest req) {
    CompletableFuture<Throwable> done = new CompletableFuture<>();
    PartyGrpc.newStub(ch).execute(req, new StreamObserver<ExecuteReply>() {
      public void onNext(ExecuteReply r) {}

      public void onError(Throwable t) {
        done.complete(t);
      }

      public void onCompleted() {
        done.complete(null);
      }
    });
    return done;
  }

  static Status refusal(ManagedChannel ch, Plan plan, long deadlineMs) throws Exception {
    Throwable t = Waits.get(execute(ch, request(plan, deadlineMs)), "alice's refusal");
    assertThat(t).as("a refusal").isNotNull();
    return Status.fromThrowable(t);
  }

  /**
   * Bob's client holds 1,000 sessions on alice (each waits for bob's share of 'b', which never comes: bob
   * never hears of them): 16 are admitted, the rest refused with the named limit, and alice's own client
   * still evaluates meanwhile. Closing the channel cancels the held sessions, which gives their places back.
   */
  @Test
  void heldSessionsOfOnePrincipalStopAtTheLimitWhileOthersRun() throws Exception {
    Plan waits = Plan.newBuilder().addInstrs(Instr.newBuilder().setOp(Op.SHARE).addDst(0).setName("b").setParty("bob").setLength(1)).build();
    ManagedChannel bob = alice("client-bob");
    try {
      List<CompletableFuture<Throwable>> calls = new ArrayList<>();
      for (int k = 0; k < 1000; k++) calls.add(execute(bob, request(waits, 120_000)));
      long until = System.currentTimeMillis() + 1000L * Waits.SECONDS; // which 16 are admitted is up to alice's threads
      while (calls.stream().filter(CompletableFuture::isDone).count() < 984 && System.currentTimeMillis() < until) Thread.sleep(100);
      Thread.sleep(1000); // a loaded machine may still be refusing the last of the burst
      List<Status> refused = calls.stream().filter(CompletableFuture::isDone).map(c -> Status.fromThrowable(c.join())).toList();
      // at most 16 held; the rest refused by the session quota or, when more than 32 of bob's calls are in their checks at
      // once (a loaded machine), as busy (Starts): either way bob's burst holds no more than its share
      assertThat(refused.size()).as("refusals within %d s", Waits.SECONDS).isBetween(984, 999);
      assertThat(refused).allSatisfy(s -> {
        assertThat(s.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(s.getDescription()).satisfiesAnyOf(
            d -> assertThat(d).isEqualTo("principal client-bob already has 16 sessions open on alice (limit 16, --max-sessions-per-principal)"),
            d -> assertThat(d).startsWith("party alice is checking 32 calls of 'client-bob' already"));
      });
      assertThat(cluster.ok("eval", "a + 1", "--reveal-to", "alice")).isEqualTo("26\n");
    } finally {
      bob.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
    // the held sessions end with their calls: bob's client gets its places back
    ManagedChannel again = alice("client-bob");
    try {
      long deadline = System.currentTimeMillis() + 1000L * Waits.SECONDS;
      Status s;
      do {
        s = refusal(again, waits, 1_000); // admitted sessions now fail at their deadline instead of being refused
      } while (s.getCode() == Status.Code.RESOURCE_EXHAUSTED && System.currentTimeMillis() < deadline);
      assertThat(s.getCode()).as("bob's client admitted again within %d s", Waits.SECONDS).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
    } finally {
      again.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  /** A chain of CONCATs keeping ever more 512 MiB vectors is refused before it runs, naming the budget. */
  @Test
  void aMemoryBombIsRefusedBeforeItRuns() throws Exception {
    Plan.Builder p = Plan.newBuilder().addInstrs(Instr.newBuilder().setOp(Op.CONST).addDst(0).setConstant(ByteString.copyFrom(new byte[8])));
    for (int r = 1; r <= 26; r++) p.addInstrs(Instr.newBuilder().setOp(Op.CONCAT).addDst(r).addSrc(r - 1).addSrc(r - 1));
    for (int r = 27; r < 60; r++) p.addInstrs(Instr.newBuilder().setOp(Op.CONCAT).addDst(r).addSrc(26));
    ManagedChannel ch = alice("client-alice");
    try {
      Status s = refusal(ch, p.build(), 60_000);
      assertThat(s.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
      assertThat(s.getDescription()).startsWith("the plan needs about 17920 MiB of memory on alice, more than one session may use (limit ")
          .endsWith(" MiB, --max-session-memory-mb)");
    } finally {
      ch.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
    assertThat(cluster.ok("eval", "a * 2", "--reveal-to", "alice")).isEqualTo("50\n");
  }

  @Test
  void aDeadlineBeyondTheMaximumIsRefused() throws Exception {
    Plan plan = Plan.newBuilder().addInstrs(Instr.newBuilder().setOp(Op.CONST).addDst(0).setConstant(ByteString.copyFrom(new byte[8]))).build();
    ManagedChannel ch = alice("client-alice");
    try {
      Status s = refusal(ch, plan, 7_200_000);
      assertThat(s.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
      assertThat(s.getDescription()).matches("session deadline is 7\\d\\d\\d s away, more than alice allows \\(limit 3600 s, --max-session-seconds\\)");
    } finally {
      ch.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  /**
   * Two concurrent `eval --name`: at most one is acknowledged, and what it acknowledged is stored on every
   * party afterwards; a failed one leaves nothing of its own, and deletes nobody else's value.
   */
  @Test
  void concurrentStoresOfOneNameNeverLoseAnAcknowledgedValue() throws Exception {
    cluster.ok("eval", "a + b", "--name", "keep");
    int won = 0;
    for (int round = 0; round < 6; round++) {
      String name = "dup" + round;
      var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
      try {
        var first = pool.submit(() -> cluster.cli("eval", "a + 1", "--name", name));
        var second = pool.submit(() -> cluster.cli("eval", "b + 2", "--name", name));
        TestCluster.Result r1 = Waits.get(first, "the first eval"), r2 = Waits.get(second, "the second eval");
        assertThat(r1.code() == 0 && r2.code() == 0).as("both acknowledged: %s / %s", r1, r2).isFalse();
        String list = cluster.ok("list");
        if (r1.code() == 0 || r2.code() == 0) {
          won++;
          String expected = r1.code() == 0 ? "26\n" : "52\n";
          assertThat(cluster.ok("eval", name, "--reveal-to", "alice")).as("round %d", round).isEqualTo(expected);
        } else {
          assertThat(list).as("round %d: both failed, nothing remains", round).doesNotContain(name + " ");
        }
      } finally {
        pool.shutdownNow();
      }
    }
    assertThat(won).isPositive();
    assertThat(cluster.ok("eval", "keep", "--reveal-to", "alice")).isEqualTo("75\n");
  }

  @Test
  void anExpressionNestedAThousandDeepIsOneClearLine() {
    TestCluster.Result r = cluster.cli("eval", "(".repeat(1000) + "a" + ")".repeat(1000), "--reveal-to", "alice");
    assertThat(r.code()).isNotZero();
    assertThat(r.err()).startsWith("smpc: error: expression nested deeper than 200 levels").doesNotContain("StackOverflow", "\tat ");
    assertThat(r.err().strip().lines()).hasSize(1);
    TestCluster.Result chain = cluster.cli("eval", "a" + " + a".repeat(1000), "--reveal-to", "alice");
    assertThat(chain.err()).startsWith("smpc: error: expression nested deeper than 200 levels");
  }
}
