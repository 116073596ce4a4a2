package smpc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import smpc.sdk.Cluster;

/**
 * A party dies (SIGKILL) in the middle of a session: the session fails fast naming it, nothing hangs, the rest
 * go on, and the restarted party still holds every value it acknowledged. The dealer restarts: one session fails, the
 * next runs.
 */
class FaultIT {
  @Test
  void aPartyKilledMidSessionFailsTheSessionNamingIt() throws Exception {
    try (TestCluster c = TestCluster.start("alice", "bob", "carol")) {
      int n = 2_000_000;
      try (Cluster sdk = c.sdk()) {
        sdk.input("alice", "x", new Random(1).longs(n).toArray());
        sdk.input("bob", "y", new Random(2).longs(n).toArray());
      }
      c.ok("input", "--party", "alice", "--name", "s", "6");
      c.ok("input", "--party", "carol", "--name", "t", "7");
      c.ok("input", "--party", "bob", "--name", "w", "9");

      CompletableFuture<TestCluster.Result> eval = CompletableFuture.supplyAsync(
          () -> c.cli("eval", "x*y*x*y*x*y*x*y", "--reveal-to", "alice", "--timeout", "30"));
      Thread.sleep(1500);
      assertThat(eval).as("the session is still running when bob is killed").isNotDone();
      ProcessHandle.of(c.pid("bob")).orElseThrow().destroyForcibly();

      TestCluster.Result r = Waits.get(eval, "the eval to fail after bob was killed");
      assertThat(r.code()).isEqualTo(1);
      assertThat(r.err()).contains("party bob").containsAnyOf("unreachable", "did not answer").containsPattern("\\[session [0-9a-f]{8} in the parties' logs]");

      // the survivors drop everything of the failed session (a survivor may still be unwinding it when the
      // coordinator has already reported the failure: wait for that, boundedly), and serve the next one
      try (Cluster sdk = c.sdk()) {
        for (String p : java.util.List.of("alice", "carol")) {
          Waits.until(() -> sdk.status().get(p).activeSessions() == 0, Waits.SECONDS, p + " to drop the failed session");
          var s = sdk.status().get(p);
          assertThat(s.pendingMessages()).as("message slots left on %s", p).isZero();
          assertThat(s.bufferedBytes()).isZero();
        }
      }
      assertThat(c.ok("eval", "s * t + 1", "--reveal-to", "carol", "--parties", "alice,carol")).isEqualTo("43\n");
      // an input to alice needs only alice: bob down leaves only the check that the name is new there unmade, and says so
      TestCluster.Result in = c.cli("input", "--party", "alice", "--name", "u", "2");
      assertThat(in.code()).as(in.err()).isZero();
      assertThat(in.err()).contains("warning: bob did not answer: whether 'u' is already a name there was not checked");
      assertThat(c.cli("input", "--party", "bob", "--name", "v", "2").err()).contains("party bob").contains("unreachable");
      TestCluster.Result status = c.cli("status");
      assertThat(status.code()).isEqualTo(1);
      assertThat(status.out()).containsPattern("bob .* DOWN");
      // `cluster up` again restarts only bob, on its port
      long alicePid = c.pid("alice");
      c.ok("cluster", "up", "--parties", "alice,bob,carol", "--base-port",
          c.config().dealer().address().replaceAll(".*:", ""));
      assertThat(c.pid("alice")).isEqualTo(alicePid);
      assertThat(c.cli("status").code()).isZero();
      // bob was killed with SIGKILL: what it acknowledged before is still in its store
      assertThat(c.ok("eval", "w + t", "--reveal-to", "carol")).isEqualTo("16\n");
      long sumY = java.util.Arrays.stream(new Random(2).longs(n).toArray()).sum(); // wraps like the ring
      assertThat(c.ok("eval", "sum(y)", "--reveal-to", "alice")).isEqualTo(sumY + "\n");
    }
  }

  /**
   * The dealer restarts and holds no party's seed key any more: the first session fails naming a key, as it says "run
   * it again, the parties fetch fresh keys", and the next one runs. Each party fetches its new key after a session of
   * its own failed past the agreement, or, having finished it, when the coordinator aborts it; the fetch must outlive the
   * call that started it (a gRPC context ends with its call).
   */
  @Test
  void afterTheDealerRestartsTheSecondSessionRuns() throws Exception {
    try (TestCluster c = TestCluster.start("alice", "bob", "carol")) {
      c.ok("input", "--party", "alice", "--name", "a", "25");
      c.ok("input", "--party", "bob", "--name", "b", "50");
      assertThat(c.ok("eval", "(a*b) - 5*(a+b)", "--reveal-to", "alice")).isEqualTo("875\n");
      ProcessHandle dealer = ProcessHandle.of(c.config().dealer().pid()).orElseThrow();
      dealer.destroyForcibly();
      dealer.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
      c.ok("cluster", "up", "--parties", "alice,bob,carol", "--base-port", c.config().dealer().address().replaceAll(".*:", ""));
      TestCluster.Result first = c.cli("eval", "(a*b) - 5*(a+b)", "--reveal-to", "alice");
      assertThat(first.code()).as(first.err()).isNotZero();
      assertThat(first.err()).contains("that this session names is not one the dealer holds").contains("run it again");
      assertThat(c.ok("eval", "(a*b) - 5*(a+b)", "--reveal-to", "alice")).isEqualTo("875\n");
    }
  }
}
