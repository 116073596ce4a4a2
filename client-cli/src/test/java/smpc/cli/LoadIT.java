package smpc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import smpc.core.expr.Compiler;
import smpc.core.expr.Parser;
import smpc.core.ring.FixedPoint;
import smpc.sdk.Cluster;
import smpc.sdk.Evaluation;

/**
 * Eight clients, each with its own connection, run a fixed number of mixed evaluations at once against one
 * 3-party cluster (mutual TLS): every result correct, no error. Throughput and p50/p99 latency are printed
 * and written to target/load.txt for reading, never asserted (they measure the machine, not the code:
 * `smpc bench` is where speed is measured).
 */
class LoadIT {
  static final int CLIENTS = 8;
  static final int PER_CLIENT = 2 * 5; // each job twice per client

  record Job(String expr, String revealTo, double[] expected, double tolerance) {}

  @Test
  void eightConcurrentClientsGetCorrectResults() throws Exception {
    try (TestCluster cluster = TestCluster.start("alice", "bob", "carol")) {
      cluster.ok("input", "--party", "alice", "--name", "a", "25");
      cluster.ok("input", "--party", "bob", "--name", "b", "50");
      cluster.ok("input", "--party", "alice", "--name", "x", "1", "-2", "3", "40000");
      cluster.ok("input", "--party", "bob", "--name", "y", "4", "5", "-6", "7");
      cluster.ok("input", "--party", "carol", "--name", "r", "2.5", "-0.5", "100", "0.01");
      List<Job> jobs = List.of(
          new Job("(a*b) - 5*(a+b)", "alice", new double[] {875}, 0),
          new Job("x * y + sum(x)", "bob", new double[] {40006, 39992, 39984, 320002}, 0),
          new Job("x < y", "carol", new double[] {1, 1, 0, 0}, 0),
          new Job("r / 2 + r * r", "alice", new double[] {7.5, 0, 10050, 0.0051}, 1e-3),
          new Job("max(x)", "carol", new double[] {40000}, 0));
      List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
      ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
      long t0 = System.nanoTime();
      try {
        List<Future<Integer>> done = new ArrayList<>();
        for (int k = 0; k < CLIENTS; k++) {
          int client = k;
          done.add(pool.submit(() -> {
            int n = 0;
            try (Cluster c = cluster.sdk()) {
              for (int i = client; n < PER_CLIENT; i++, n++) {
                Job j = jobs.get(i % jobs.size());
                long s = System.nanoTime();
                Evaluation ev = c.evaluate(List.of(Compiler.Output.reveal(Parser.parse(j.expr()), j.revealTo())), c.parties());
                latencies.add(System.nanoTime() - s);
                long[] raw = ev.revealed().get(0);
                for (int e = 0; e < raw.length; e++) {
                  double got = FixedPoint.decode(raw[e], ev.scales().get(0)).doubleValue();
                  assertThat(got).as("%s [%d]", j.expr(), e)
                      .isCloseTo(j.expected()[e], org.assertj.core.data.Offset.offset(j.tolerance() * Math.max(1, Math.abs(j.expected()[e]))));
                }
              }
            }
            return n;
          }));
        }
        int total = 0;
        for (Future<Integer> f : done) total += f.get(); // rethrows any wrong result or error
        double seconds = (System.nanoTime() - t0) / 1e9;
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        String report = String.format("%d clients, %d evaluations in %.1f s: %.1f evaluations/s, p50 %.1f ms, p99 %.1f ms", CLIENTS, total,
            seconds, total / seconds, sorted.get(sorted.size() / 2) / 1e6, sorted.get((int) (sorted.size() * 0.99)) / 1e6);
        System.out.println(report);
        Files.writeString(Path.of("target", "load.txt"), report + "\n");
        assertThat(total).isEqualTo(CLIENTS * PER_CLIENT);
      } finally {
        pool.shutdownNow();
      }
      assertThat(cluster.ok("status")).doesNotContain("DOWN");
    }
  }
}
