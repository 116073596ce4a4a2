package smpc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** `smpc bench` on a real cluster, small sizes: every workload checked against plain computation, its counters sane. */
class BenchIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void everyWorkloadReportsCheckedFiguresAndAWrongAnswerFailsLoudly() throws Exception {
    try (TestCluster c = TestCluster.start("alice", "bob", "carol")) {
      int n = 3000;
      TestCluster.Result r = c.cli("bench", "--json", "--workload", "W1,W2,W3,W4a,W4b,W4c,W6", "--size", Integer.toString(n),
          "--repeat", "2", "--warmup", "1", "--warmup-seconds", "0", "--settle-seconds", "0");
      assertThat(r.code()).as(r.err()).isZero();
      Map<String, JsonNode> byWorkload = new TreeMap<>();
      for (String line : r.out().strip().split("\n")) {
        JsonNode o = JSON.readTree(line);
        byWorkload.put(o.get("workload").asText(), o);
        for (String key : List.of("workload", "parties", "size", "median_s", "min_s", "max_s", "ops_per_s", "rounds",
            "bytes_per_party", "dealer_bytes", "correct", "peak_rss_mb", "p50_s", "p99_s", "first_s", "rss_mb", "live_mb",
            "rss_after_mb", "live_after_mb")) {
          assertThat(o.has(key)).as("%s has %s: %s", o.get("workload"), key, line).isTrue();
        }
        assertThat(o.get("correct").asBoolean()).as(line).isTrue();
        assertThat(o.get("parties").asInt()).isEqualTo(3);
        assertThat(o.get("min_s").asDouble()).isPositive().isLessThanOrEqualTo(o.get("median_s").asDouble());
        assertThat(o.get("max_s").asDouble()).isGreaterThanOrEqualTo(o.get("median_s").asDouble());
        assertThat(o.get("rounds").asLong()).isPositive();
        assertThat(o.get("bytes_per_party").asLong()).isPositive();
        assertThat(o.get("peak_rss_mb").asLong()).as("the bench knows its cluster's PIDs").isPositive();
        assertThat(o.get("p99_s").asDouble()).isGreaterThanOrEqualTo(o.get("p50_s").asDouble()).isLessThanOrEqualTo(o.get("max_s").asDouble());
        assertThat(o.get("first_s").asDouble()).isPositive();
        // from the parties' status replies: the live heap is part of what is resident
        assertThat(o.get("rss_mb").asLong()).isPositive().isGreaterThanOrEqualTo(o.get("live_mb").asLong());
        assertThat(o.get("live_mb").asLong()).isPositive();
        assertThat(o.get("rss_after_mb").asLong()).isPositive();
        // CPU per timed run from the operating system's accounting, by process; the servers' sum
        JsonNode cpu = o.get("cpu_ms");
        assertThat(cpu.fieldNames()).toIterable().containsExactlyInAnyOrder("alice", "bob", "carol", "dealer", "client");
        assertThat(o.get("server_cpu_ms").asDouble()).isCloseTo(cpu.get("alice").asDouble() + cpu.get("bob").asDouble()
            + cpu.get("carol").asDouble() + cpu.get("dealer").asDouble(), org.assertj.core.api.Assertions.within(1e-6));
      }
      // over W1's 100 sessions each server is seen working (the accounting counts 10 ms ticks: W2's two small runs may not show the dealer's)
      for (String p : List.of("alice", "bob", "carol", "dealer")) {
        assertThat(byWorkload.get("W1").get("cpu_ms").get(p).asDouble()).as(p).isPositive();
      }
      assertThat(byWorkload).containsOnlyKeys("W1", "W2", "W3", "W4a", "W4b", "W4c", "W6");
      assertThat(byWorkload.get("W1").get("size").asInt()).isEqualTo(1);
      assertThat(byWorkload.get("W1").get("runs").asInt()).as("W1 is timed 100 times for its p99, not --repeat's 2").isEqualTo(100);
      // W2: each party opens its shares of d and e to the two others; the dealer sends 8 bytes per triple
      // (one correction to one party) plus a seed per party, whatever the number of parties
      JsonNode w2 = byWorkload.get("W2");
      assertThat(w2.get("size").asInt()).isEqualTo(n);
      assertThat(w2.get("runs").asInt()).isEqualTo(2);
      assertThat(w2.get("bytes_per_party").asLong()).isBetween(2L * 2 * 8 * n, 2L * 2 * 8 * n + 8L * n + 4096);
      assertThat(w2.get("dealer_bytes").asLong()).isBetween(8L * n, 8L * n + 1024);
      assertThat(byWorkload.get("W3").get("rounds").asLong()).isLessThanOrEqualTo(10);

      // one wrong element in a result (2^40 units more, as a faulty party would send it) must fail the run:
      // exit 1, correct false
      for (String w : List.of("W1", "W2", "W3", "W4b", "W6")) {
        TestCluster.Result wrong = c.cli(new io.grpc.ClientInterceptor[] {new CorruptResults()}, "bench", "--json", "--workload", w,
            "--size", "100", "--repeat", "1", "--warmup", "0", "--warmup-seconds", "0", "--settle-seconds", "0");
        assertThat(wrong.code()).as(w + ": " + wrong.out() + wrong.err()).isEqualTo(1);
        assertThat(JSON.readTree(wrong.out().strip()).get("correct").asBoolean()).as(wrong.out()).isFalse();
      }
    }
  }

  /** --against: W1 on two clusters in alternate sessions, both results checked; a wrong answer fails it; W1 only. */
  @Test
  void twoClustersCompareInAlternateSessions() throws Exception {
    try (TestCluster mine = TestCluster.start("alice", "bob", "carol"); TestCluster theirs = TestCluster.start("alice", "bob", "carol")) {
      String[] args = {"bench", "--json", "--workload", "W1", "--against", theirs.file.toString(), "--repeat", "1", "--warmup", "2",
          "--warmup-seconds", "0"};
      TestCluster.Result r = mine.cli(args);
      assertThat(r.code()).as(r.err()).isZero();
      JsonNode o = JSON.readTree(r.out().strip());
      assertThat(o.get("pairs").asInt()).as("at least 100 pairs, for the p99").isEqualTo(100);
      assertThat(o.get("correct").asBoolean()).isTrue();
      for (String side : List.of("this", "other")) {
        JsonNode s = o.get(side);
        assertThat(s.get("p50_s").asDouble()).as(line(side, r)).isPositive().isLessThanOrEqualTo(s.get("p99_s").asDouble());
        assertThat(s.get("server_cpu_ms").asDouble()).as("%s: each cluster's own servers", side).isPositive();
      }
      double difference = o.get("median_difference_s").asDouble();
      assertThat(Math.abs(difference)).isLessThan(Math.max(o.get("this").get("p99_s").asDouble(), o.get("other").get("p99_s").asDouble()));
      assertThat(o.get("this_faster_share").asDouble()).isBetween(0.0, 1.0);
      // the store holds nothing of the bench afterwards, on either cluster
      assertThat(mine.cli("list").out()).doesNotContain("_bench_");
      assertThat(theirs.cli("list").out()).doesNotContain("_bench_");

      TestCluster.Result wrong = mine.cli(new io.grpc.ClientInterceptor[] {new CorruptResults()}, args);
      assertThat(wrong.code()).as(wrong.out() + wrong.err()).isEqualTo(1);
      assertThat(JSON.readTree(wrong.out().strip()).get("correct").asBoolean()).isFalse();
      assertThat(mine.cli("list").out()).doesNotContain("_bench_");
      assertThat(theirs.cli("list").out()).doesNotContain("_bench_");
      TestCluster.Result w2 = mine.cli("bench", "--workload", "W2", "--against", theirs.file.toString());
      assertThat(w2.code()).isEqualTo(2);
      assertThat(w2.err()).contains("--against compares W1 only: add --workload W1");
      // not another cluster, no file, a cluster that does not answer: refused before anything is stored
      java.nio.file.Path missing = theirs.file.resolveSibling("nothing.json");
      assertThat(mine.cli("bench", "--workload", "W1", "--against", missing.toString()).err())
          .contains("cluster file " + missing + " does not exist");
      assertThat(mine.cli("bench", "--workload", "W1", "--against", mine.file.toString()).err())
          .contains("--against " + mine.file + " names this same cluster");
      com.fasterxml.jackson.databind.node.ObjectNode gone = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(theirs.file.toFile());
      for (JsonNode node : gone.get("parties")) ((com.fasterxml.jackson.databind.node.ObjectNode) node).put("address", "127.0.0.1:1");
      ((com.fasterxml.jackson.databind.node.ObjectNode) gone.get("dealer")).put("address", "127.0.0.1:1");
      java.nio.file.Path down = theirs.file.resolveSibling("down.json");
      JSON.writeValue(down.toFile(), gone);
      TestCluster.Result notUp = mine.cli("bench", "--workload", "W1", "--against", down.toString());
      assertThat(notUp.code()).isEqualTo(2);
      assertThat(notUp.err()).contains("the cluster of " + down + " is not up");
      assertThat(mine.cli("list").out()).doesNotContain("_bench_");
    }
  }

  private static String line(String side, TestCluster.Result r) {
    return side + ": " + r.out();
  }
}
