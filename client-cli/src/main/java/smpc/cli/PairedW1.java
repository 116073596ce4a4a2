package smpc.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import smpc.sdk.Cluster;
import smpc.sdk.ClusterConfig;
import smpc.sdk.Evaluation;
import smpc.sdk.SmpcException;

/**
 * W1 on two clusters in alternate sessions from one client ({@code smpc bench --workload W1 --against FILE}): the way to
 * compare two builds' servers on a noisy machine. On this project's 2-core reference machine one build's W1 median moved
 * from 2.4 to 3.7 ms between fresh clusters run one after another, more than most changes the latency work makes
 * (docs/performance.md); sessions that alternate see the same machine, client and minute, so each pair's difference
 * is the two clusters' own. Within a pair the order alternates, so neither cluster always runs right after the other.
 */
final class PairedW1 {
  private PairedW1() {}

  /** One cluster: its client, computing parties (the last one receives the result) and its processes' PIDs. */
  record Side(Cluster cluster, List<String> parties, Map<String, Long> pids) {}

  /** The timed sessions of both sides, pair by pair, with each side's servers' and the client's CPU per session. */
  record Result(double[] mine, double[] theirs, Double mineCpuMs, Double theirsCpuMs, Double clientCpuMs, boolean correct) {
    /** Median over pairs of this cluster's time minus the other's, in seconds (negative: this one is faster). */
    double medianDifference() {
      double[] d = new double[mine.length];
      for (int i = 0; i < d.length; i++) d[i] = mine[i] - theirs[i];
      return median(d);
    }

    /** The share of pairs in which this cluster's session was the faster. */
    double fasterShare() {
      int n = 0;
      for (int i = 0; i < mine.length; i++) if (mine[i] < theirs[i]) n++;
      return (double) n / mine.length;
    }
  }

  /**
   * The command: checks that FILE is another cluster and that both answer, runs, prints the report; returns the exit
   * code (1 when a result was wrong).
   */
  static int command(ClusterOptions options, Path against, Function<Cluster, List<String>> parties, int warmup, double warmupSeconds,
      int pairs, boolean json, PrintWriter out) {
    ClusterConfig mine = options.config(), theirs = options.other(against);
    List<String> here = addresses(mine);
    if (addresses(theirs).stream().anyMatch(here::contains)) {
      throw SmpcException.usage("--against %s names this same cluster: give the file of another one", against);
    }
    if (!Cluster.isUp(mine)) throw SmpcException.usage("the cluster of %s is not up: `smpc cluster up` starts it", options.clusterFile());
    if (!Cluster.isUp(theirs)) throw SmpcException.usage("the cluster of %s is not up: `smpc cluster up` starts it", against);
    Duration timeout = Duration.ofSeconds(options.timeoutSeconds());
    try (Cluster a = Cluster.connect(mine, options.interceptors()).withTimeout(timeout);
        Cluster b = Cluster.connect(theirs, options.interceptors()).withTimeout(timeout)) {
      Result r = run(new Side(a, parties.apply(a), BenchCommand.pids(mine)), new Side(b, parties.apply(b), BenchCommand.pids(theirs)),
          warmup, warmupSeconds, pairs);
      out.println(report(r, against.toString(), json));
      return r.correct() ? 0 : 1;
    }
  }

  private static List<String> addresses(ClusterConfig c) {
    return java.util.stream.Stream.concat(c.parties().stream(), java.util.stream.Stream.of(c.dealer())).map(ClusterConfig.Node::address)
        .toList();
  }

  /** Runs {@code warmup} untimed pairs (and for at least {@code warmupSeconds}), then {@code pairs} timed ones. */
  static Result run(Side mine, Side theirs, int warmup, double warmupSeconds, int pairs) {
    try {
      for (Side s : List.of(mine, theirs)) W1.input(s.cluster(), s.parties());
      boolean[] correct = {true};
      long end = System.nanoTime() + (long) (warmupSeconds * 1e9);
      for (int i = 0; i < warmup || System.nanoTime() < end; i++) {
        once(mine, correct);
        once(theirs, correct);
      }
      Map<String, Long> cpuMine = CpuWatch.now(mine.pids()), cpuTheirs = CpuWatch.now(theirs.pids());
      double[] a = new double[pairs], b = new double[pairs];
      for (int i = 0; i < pairs; i++) {
        if (i % 2 == 0) {
          a[i] = once(mine, correct);
          b[i] = once(theirs, correct);
        } else {
          b[i] = once(theirs, correct);
          a[i] = once(mine, correct);
        }
      }
      Map<String, Double> perMine = CpuWatch.perRun(cpuMine, CpuWatch.now(mine.pids()), pairs);
      Map<String, Double> perTheirs = CpuWatch.perRun(cpuTheirs, CpuWatch.now(theirs.pids()), pairs);
      Double client = perMine.get(CpuWatch.CLIENT); // one client for both: half of it per session
      return new Result(a, b, CpuWatch.servers(perMine, mine.pids().keySet()), CpuWatch.servers(perTheirs, theirs.pids().keySet()),
          client == null ? null : client / 2, correct[0]);
    } finally {
      // each value on each side on its own: an input that failed halfway, or a side that went down, leaves none behind
      for (Side s : List.of(mine, theirs)) {
        for (String name : W1.NAMES) {
          try {
            s.cluster().delete(name);
          } catch (RuntimeException absent) {
            // never stored, or that side is gone: nothing to remove there
          }
        }
      }
    }
  }

  /** One session's seconds; a wrong result clears {@code correct[0]}. */
  private static double once(Side s, boolean[] correct) {
    long t0 = System.nanoTime();
    Evaluation ev = s.cluster().sessions().evaluate(W1.EXPRESSION, s.parties().get(s.parties().size() - 1), null, s.parties());
    double seconds = (System.nanoTime() - t0) / 1e9;
    if (!W1.correct(ev.revealed().get(0))) correct[0] = false;
    return seconds;
  }

  /** The result as one JSON line ({@code json}) or as a few lines for people. */
  static String report(Result r, String against, boolean json) {
    if (json) {
      ObjectMapper m = new ObjectMapper();
      ObjectNode o = m.createObjectNode().put("workload", "W1").put("paired", true).put("against", against).put("pairs", r.mine().length);
      side(o.putObject("this"), r.mine(), r.mineCpuMs());
      side(o.putObject("other"), r.theirs(), r.theirsCpuMs());
      o.put("median_difference_s", r.medianDifference()).put("this_faster_share", r.fasterShare()).put("client_cpu_ms", r.clientCpuMs());
      return o.put("correct", r.correct()).toString();
    }
    return String.format("W1 in %d alternate pairs: this cluster p50 %.6f s, p99 %.6f s, servers' CPU %s ms per session;%n"
        + "  %s: p50 %.6f s, p99 %.6f s, servers' CPU %s ms per session;%n"
        + "  this minus that, median over pairs: %+.6f s (this one faster in %.1f %% of pairs); client's CPU %s ms per session%s",
        r.mine().length, median(r.mine()), quantile(r.mine(), 0.99), ms(r.mineCpuMs()), against, median(r.theirs()),
        quantile(r.theirs(), 0.99), ms(r.theirsCpuMs()), r.medianDifference(), 100 * r.fasterShare(), ms(r.clientCpuMs()),
        r.correct() ? "" : String.format("%n  SOME RESULTS WERE WRONG"));
  }

  private static void side(ObjectNode o, double[] s, Double cpu) {
    o.put("p50_s", median(s)).put("p99_s", quantile(s, 0.99)).put("server_cpu_ms", cpu); // null when its PIDs are unknown
  }

  private static String ms(Double cpu) {
    return cpu == null ? "-" : String.format("%.2f", cpu);
  }

  /** The q-quantile, nearest rank (as the bench's p99_s). */
  static double quantile(double[] values, double q) {
    double[] s = values.clone();
    Arrays.sort(s);
    return s[Math.max(0, (int) Math.ceil(q * s.length) - 1)];
  }

  /** The median (of an even count, the mean of the middle two), as the bench's median_s. */
  static double median(double[] values) {
    double[] s = values.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }
}
