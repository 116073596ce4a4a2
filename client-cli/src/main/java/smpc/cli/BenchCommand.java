package smpc.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import smpc.sdk.Cluster;
import smpc.sdk.ClusterConfig;
import smpc.sdk.Evaluation;
import smpc.sdk.SmpcException;

/** {@code smpc bench}: timed workloads against a cluster, each checked against plain computation. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = {"Benchmark workloads against the cluster (a local one is started when none answers).",
    "W1: (a*b) - 5*(a+b), TinySMPC's example (latency). W2: x*y on 1,000,000 31-bit integers. W3: x < y on 100,000 32-bit integers.",
    "W4a: x*y on 100,000 reals. W4b: sigmoid(x) on 100,000 reals. W4c: x / y on 100,000 reals.",
    "W5: logistic regression on the breast cancer data split vertically (15 features at the first party, 15 at the " +
    "second, labels at the third; 10 epochs; needs examples/breast-cancer; its JSON adds s_per_epoch, bytes_per_party_per_epoch " +
    "and dealer_bytes_per_epoch: the whole training, setup and final session included, over its epochs). W6: mean and " +
    "variance of 3 x 100,000 values. --size changes the size of all but W1 and W5.",
    "peak_rss_mb: the largest peak resident memory (VmHWM, MiB) of the computing parties during the workload, inputs " +
    "included; dealer_rss_mb the dealer's. Linux only, and only when the PIDs are known (a cluster this bench or " +
    "`smpc cluster up` started); \"-\" otherwise. rss_mb and live_mb: the largest resident memory and heap in use after a " +
    "collection (what a party needs, not what its JVM keeps) among the computing parties, sampled from their status during " +
    "the workload; rss_after_mb and live_after_mb the same --settle-seconds after it. first_s: the workload's first run " +
    "(on a fresh cluster when fresh_cluster). W1 is timed at least 100 times, for its p99_s. server_cpu_ms: the CPU the " +
    "parties and the dealer spent per timed run (W5: the training and its test predictions), all their threads (JIT and " +
    "collector too), when their PIDs are known; " +
    "the JSON's cpu_ms splits it by process and adds the bench's own (client: the SDK and the bench's checks).",
    "The smpc script runs the bench with the JVM's own JIT and collector, as an SDK application runs, where other " +
    "commands get a quick-starting C1-only JVM. W1 once warm (its servers' and its client's JIT done) takes thousands of " +
    "sessions in one bench: --workload W1 --repeat 5000 --warmup 12000 --warmup-seconds 0; the servers' JIT a few tens of " +
    "thousands: on a fresh cluster, read the second such bench."})
final class BenchCommand implements Callable<Integer> {
  @picocli.CommandLine.Mixin ClusterOptions cluster;

  @Spec CommandSpec spec;

  @Option(names = "--workload", split = ",", defaultValue = "W1,W2,W3,W4a,W4b,W4c", description = "Workloads (default: ${DEFAULT-VALUE}).")
  List<String> workloads;

  @Option(names = "--size", description = "Elements for W2-W4c (default: 1,000,000 for W2, 100,000 for the others).")
  Integer size;

  @Option(names = "--repeat", defaultValue = "5", description = "Timed runs per workload (default: ${DEFAULT-VALUE}).")
  int repeat;

  @Option(names = "--warmup", defaultValue = "2", description = "Untimed runs first, at least (default: ${DEFAULT-VALUE}).")
  int warmup;

  @Option(names = "--warmup-seconds", defaultValue = "10", paramLabel = "S", description =
      "Keep up the untimed runs of each workload for at least S seconds (default: ${DEFAULT-VALUE}): the parties'"
          + " JIT compilers need hundreds of small sessions before a party runs at its steady speed.")
  double warmupSeconds;

  @Option(names = "--parties", split = ",", paramLabel = "P1,P2,...", description = "Computing parties (default: all; W5 always uses all).")
  List<String> partyNames;

  @Option(names = "--json", description = "One JSON object per line per workload.")
  boolean json;

  @Option(names = "--settle-seconds", defaultValue = "30", paramLabel = "S", description =
      "After each workload, wait S seconds and report the memory the parties then hold (default: ${DEFAULT-VALUE}).")
  double settleSeconds;

  @Option(names = "--against", paramLabel = "FILE", description = "W1 only: time it on this cluster and on the running cluster of"
      + " cluster file FILE in alternate sessions from this one client (--repeat pairs), to compare two builds' servers on a"
      + " noisy machine; reports each one's p50, p99 and servers' CPU and the median difference over pairs.")
  java.nio.file.Path against;

  /** The current workload's first run, warm-up or not, in seconds. */
  private double firstSeconds;

  /** The current cluster's processes (empty when their PIDs are unknown), and their CPU per timed run of the workload. */
  private Map<String, Long> processes = Map.of();
  private Map<String, Double> cpuPerRun = Map.of();

  private record Run(double seconds, long rounds, long bytesSent, long dealerBytes, boolean correct) {}

  @Override
  public Integer call() throws Exception {
    if (repeat < 1 || warmup < 0 || warmupSeconds < 0 || settleSeconds < 0 || (size != null && size < 1)) {
      throw SmpcException.usage("--repeat and --size must be positive, --warmup, --warmup-seconds and --settle-seconds not negative");
    }
    if (against != null) {
      if (!workloads.equals(List.of("W1"))) throw SmpcException.usage("--against compares W1 only: add --workload W1");
      return PairedW1.command(cluster, against, this::ps, warmup, warmupSeconds, Math.max(repeat, 100), json, spec.commandLine().getOut());
    }
    ClusterConfig config = cluster.config(false);
    ClusterConfig started = null;
    java.nio.file.Path tmp = null;
    if (!Cluster.isUp(config)) {
      tmp = java.nio.file.Files.createTempDirectory("smpc-bench");
      started = LocalCluster.up(LocalCluster.withCertificates(config, tmp.resolve("certs")), tmp.resolve("logs"));
      config = started;
    }
    PrintWriter out = spec.commandLine().getOut();
    if (!json) out.printf("%-4s %8s %10s %10s %10s %10s %10s %14s %7s %16s %13s %11s %13s %7s %7s %12s %13s %13s %s%n", "", "size", "median_s",
        "min_s", "max_s", "p99_s", "first_s", "ops_per_s", "rounds", "bytes_per_party", "dealer_bytes", "peak_rss_mb", "dealer_rss_mb",
        "rss_mb", "live_mb", "rss_after_mb", "live_after_mb", "server_cpu_ms", "correct");
    boolean allCorrect = true;
    try (Cluster c = Cluster.connect(config, cluster.interceptors()).withTimeout(Duration.ofSeconds(cluster.timeoutSeconds()))) {
      for (String w : workloads) {
        Map<String, Long> pids = pids(config);
        pids.values().forEach(BenchCommand::resetPeak);
        processes = pids;
        int n = w.equals("W1") ? 1 : w.equals("W5") ? 456 : size != null ? size : w.equals("W2") ? 1_000_000 : 100_000;
        MemoryWatch watch = new MemoryWatch(c); // a daemon thread: a failing workload ends the bench
        List<Run> runs = switch (w) {
          case "W1" -> w1(c);
          case "W2" -> binary(c, n, "_bench_x * _bench_y", (a, b) -> a * b, 31); // products within the safe range
          case "W3" -> binary(c, n, "_bench_x < _bench_y", (a, b) -> a < b ? 1 : 0, 32);
          case "W4a" -> reals(c, n, "_bench_x * _bench_y", r -> r.nextDouble(-100, 100), r -> r.nextDouble(-100, 100),
              (x, y) -> x * y, (x, y) -> 0x1p-14 * (1 + Math.abs(x) + Math.abs(y)));
          case "W4b" -> reals(c, n, "sigmoid(_bench_x)", r -> r.nextDouble(-10, 10), null, (x, y) -> 1 / (1 + Math.exp(-x)),
              (x, y) -> 1e-3);
          case "W4c" -> reals(c, n, "_bench_x / _bench_y", r -> r.nextDouble(-100, 100),
              r -> (r.nextBoolean() ? 1 : -1) * Math.pow(10, r.nextDouble(-2, 3)), (x, y) -> x / y,
              (x, y) -> Math.max(1e-3 * Math.abs(x / y), 0x1p-14));
          case "W5" -> w5(c);
          case "W6" -> w6(c, n);
          default -> throw SmpcException.usage("unknown workload '%s' (known: W1, W2, W3, W4a, W4b, W4c, W5, W6)", w);
        };
        Map<String, Long> peaks = new java.util.TreeMap<>();
        pids.forEach((name, pid) -> { Long mb = peakMb(pid); if (mb != null) peaks.put(name, mb); });
        Map<String, MemoryWatch.Mb> during = watch.peaks();
        Thread.sleep((long) (settleSeconds * 1000));
        allCorrect &= report(out, w, n, runs, ps(c), peaks, during, MemoryWatch.now(c), started != null);
      }
    } finally {
      if (started != null) {
        LocalCluster.down(started);
        LocalCluster.deleteTree(tmp);
      }
    }
    return allCorrect ? 0 : 1;
  }

  /**
   * Logistic regression on the breast cancer data (examples/breast-cancer under the working directory),
   * the reference schedule; correct when the test accuracy is within 1 point of plain training's.
   */
  /** W5's training: 10 epochs, batches of 32, learning rate 0.5. */
  static final int W5_EPOCHS = 10;

  private List<Run> w5(Cluster c) throws java.io.IOException {
    java.nio.file.Path dir = java.nio.file.Path.of("examples", "breast-cancer");
    if (!java.nio.file.Files.isDirectory(dir)) throw SmpcException.usage("W5 needs %s (run from the project root)", dir.toAbsolutePath());
    double[][] x = rows(dir.resolve("train_features.csv")), xt = rows(dir.resolve("test_features.csv"));
    double[] y = Arrays.stream(rows(dir.resolve("train_labels.csv"))).mapToDouble(r -> r[0]).toArray();
    double[] yt = Arrays.stream(rows(dir.resolve("test_labels.csv"))).mapToDouble(r -> r[0]).toArray();
    var schedule = new smpc.core.ml.LogisticRegression.Schedule(W5_EPOCHS, 32, 0.5);
    var plain = new smpc.core.ml.PlainLogisticRegression(x, y, schedule);
    List<String> p = ps(c);
    String labels = p.get(Math.min(2, p.size() - 1));
    int half = x[0].length / 2;
    c.inputRealMatrix(p.get(0), "_bench_lx", columns(x, 0, half), half);
    c.inputRealMatrix(p.get(1), "_bench_lx2", columns(x, half, x[0].length), x[0].length - half);
    c.input(labels, "_bench_ly", Arrays.stream(y).mapToLong(v -> (long) v).toArray());
    c.inputRealMatrix(p.get(0), "_bench_lt", columns(xt, 0, half), half);
    c.inputRealMatrix(p.get(1), "_bench_lt2", columns(xt, half, x[0].length), x[0].length - half);
    smpc.core.expr.Expr train = new smpc.core.expr.Expr.Call("hstack", List.of(new smpc.core.expr.Expr.Ref("_bench_lx"),
        new smpc.core.expr.Expr.Ref("_bench_lx2")));
    smpc.core.expr.Expr test = new smpc.core.expr.Expr.Call("hstack", List.of(new smpc.core.expr.Expr.Ref("_bench_lt"),
        new smpc.core.expr.Expr.Ref("_bench_lt2")));
    try {
      return measure(repeat, () -> {
        smpc.sdk.Logreg.Result r = smpc.sdk.Logreg.train(c, train, new smpc.core.expr.Expr.Ref("_bench_ly"),
            x.length, x[0].length, schedule, "_bench_model", null, labels, null);
        double[] prob = smpc.sdk.Logreg.predict(c, "_bench_model", test, xt.length, x[0].length, p.get(0));
        c.delete("_bench_model");
        int right = 0, plainRight = 0;
        for (int k = 0; k < prob.length; k++) {
          right += (prob[k] >= 0.5 ? 1 : 0) == yt[k] ? 1 : 0;
          plainRight += (plain.predict(xt[k]) >= 0.5 ? 1 : 0) == yt[k] ? 1 : 0;
        }
        boolean ok = Math.abs(right - plainRight) * 100.0 / prob.length <= 1.0;
        return new Run(r.seconds(), r.rounds(), r.bytesSent(), r.dealerBytes(), ok);
      });
    } finally {
      for (String v : List.of("_bench_lx", "_bench_lx2", "_bench_ly", "_bench_lt", "_bench_lt2", "_bench_model")) {
        if (c.catalog().contains(v)) c.delete(v);
      }
    }
  }

  /** Columns [from, to) of rows, row by row. */
  private static java.math.BigDecimal[] columns(double[][] rows, int from, int to) {
    return Arrays.stream(rows).flatMapToDouble(r -> Arrays.stream(r, from, to)).mapToObj(java.math.BigDecimal::valueOf)
        .toArray(java.math.BigDecimal[]::new);
  }

  private static double[][] rows(java.nio.file.Path csv) throws java.io.IOException {
    return java.nio.file.Files.readAllLines(csv).stream().skip(1).filter(l -> !l.isBlank())
        .map(l -> Arrays.stream(l.split(",")).mapToDouble(Double::parseDouble).toArray()).toArray(double[][]::new);
  }

  /** Mean and variance of three parties' n values each (integers in [0, 1000)), in one session. */
  private List<Run> w6(Cluster c, int n) {
    List<String> p = ps(c);
    Random rnd = new Random(n);
    long[][] v = new long[3][];
    double sum = 0, sq = 0;
    for (int k = 0; k < 3; k++) {
      v[k] = rnd.longs(n, 0, 1000).toArray();
      for (long x : v[k]) sum += x;
      c.input(p.get(k % p.size()), "_bench_s" + k, v[k]);
    }
    double mean = sum / (3.0 * n);
    for (long[] vk : v) for (long x : vk) sq += (x - mean) * (x - mean);
    double var = sq / (3.0 * n);
    try {
      return time(c, "concat(mean(_bench_s0, _bench_s1, _bench_s2), variance(_bench_s0, _bench_s1, _bench_s2))", (got, scale) -> {
        double m = smpc.core.ring.FixedPoint.decode(got[0], scale).doubleValue(), s2 = smpc.core.ring.FixedPoint.decode(got[1], scale).doubleValue();
        return Math.abs(m - mean) <= 1e-3 && Math.abs(s2 - var) <= 1e-3 * var;
      });
    } finally {
      for (int k = 0; k < 3; k++) c.delete("_bench_s" + k);
    }
  }

  private List<String> ps(Cluster c) {
    if (partyNames == null) return c.parties();
    for (String p : partyNames) c.vm(p);
    if (partyNames.size() < 2) throw SmpcException.usage("--parties needs at least 2 parties");
    return partyNames;
  }

  private List<Run> w1(Cluster c) {
    W1.input(c, ps(c));
    try {
      return time(c, W1.EXPRESSION, (got, scale) -> W1.correct(got), Math.max(repeat, 100));
    } finally {
      W1.NAMES.forEach(c::delete);
    }
  }

  /** x op y on n integers of {@code bits} bits, checked exactly against {@code plain}. */
  private List<Run> binary(Cluster c, int n, String expr, java.util.function.LongBinaryOperator plain, int bits) {
    List<String> p = ps(c);
    Random rnd = new Random(n);
    try {
      long[] x = bits == 64 ? rnd.longs(n).toArray() : rnd.longs(n, -(1L << (bits - 1)), 1L << (bits - 1)).toArray();
      long[] y = bits == 64 ? rnd.longs(n).toArray() : rnd.longs(n, -(1L << (bits - 1)), 1L << (bits - 1)).toArray();
      long[] want = new long[n];
      for (int i = 0; i < n; i++) want[i] = plain.applyAsLong(x[i], y[i]);
      c.input(p.get(0), "_bench_x", x);
      c.input(p.get(1), "_bench_y", y);
      return time(c, expr, (got, scale) -> Arrays.equals(got, want));
    } finally {
      c.delete("_bench_x");
      c.delete("_bench_y");
    }
  }

  /**
   * A real expression of x (alice's) and y (bob's, when {@code ys} is given) on n values, each checked
   * against {@code exact} on the inputs as encoded, to within {@code tolerance}.
   */
  private List<Run> reals(Cluster c, int n, String expr, java.util.function.ToDoubleFunction<Random> xs,
      java.util.function.ToDoubleFunction<Random> ys, java.util.function.DoubleBinaryOperator exact,
      java.util.function.DoubleBinaryOperator tolerance) {
    List<String> p = ps(c);
    Random rnd = new Random(n);
    int f = c.fracBits();
    double[] x = new double[n], y = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = Math.scalb(Math.rint(Math.scalb(xs.applyAsDouble(rnd), f)), -f); // exactly what the parties hold
      if (ys != null) y[i] = Math.scalb(Math.rint(Math.scalb(ys.applyAsDouble(rnd), f)), -f);
    }
    try {
      c.inputReal(p.get(0), "_bench_x", Arrays.stream(x).mapToObj(java.math.BigDecimal::valueOf).toArray(java.math.BigDecimal[]::new));
      if (ys != null) {
        c.inputReal(p.get(1), "_bench_y", Arrays.stream(y).mapToObj(java.math.BigDecimal::valueOf).toArray(java.math.BigDecimal[]::new));
      }
      return time(c, expr, (got, scale) -> {
        for (int i = 0; i < n; i++) {
          double want = exact.applyAsDouble(x[i], y[i]);
          if (Math.abs(smpc.core.ring.FixedPoint.decode(got[i], scale).doubleValue() - want) > tolerance.applyAsDouble(x[i], y[i])) {
            return false;
          }
        }
        return true;
      });
    } finally {
      c.delete("_bench_x");
      if (ys != null) c.delete("_bench_y");
    }
  }

  private List<Run> time(Cluster c, String expr, java.util.function.BiPredicate<long[], Integer> check) {
    return time(c, expr, check, repeat);
  }

  private List<Run> time(Cluster c, String expr, java.util.function.BiPredicate<long[], Integer> check, int timed) {
    String to = ps(c).get(ps(c).size() - 1);
    return measure(timed, () -> {
      long t0 = System.nanoTime();
      Evaluation ev = c.sessions().evaluate(expr, to, null, ps(c));
      double s = (System.nanoTime() - t0) / 1e9;
      long[] result = ev.revealed().get(0);
      // a result flagged as probably wrapped counts as wrong: no bench workload leaves the safe range
      boolean correct = check.test(result, ev.scales().get(0)) && Results.outOfRange(result, ev.scales().get(0), c.fracBits()) == 0;
      return new Run(s, ev.rounds(), ev.bytesSent(), ev.dealerBytes(), correct);
    });
  }

  /**
   * Untimed runs (at least --warmup of them, for at least --warmup-seconds), then {@code timed} timed ones. Every
   * run's result is checked: a wrong warm-up run marks the timed runs incorrect too.
   */
  private List<Run> measure(int timed, java.util.function.Supplier<Run> run) {
    long end = System.nanoTime() + (long) (warmupSeconds * 1e9);
    boolean warmCorrect = true;
    firstSeconds = -1;
    for (int i = 0; i < warmup || System.nanoTime() < end; i++) {
      Run r = run.get();
      if (firstSeconds < 0) firstSeconds = r.seconds();
      warmCorrect &= r.correct();
    }
    List<Run> runs = new ArrayList<>();
    Map<String, Long> cpu = CpuWatch.now(processes);
    for (int i = 0; i < timed; i++) {
      Run r = run.get();
      if (firstSeconds < 0) firstSeconds = r.seconds();
      runs.add(warmCorrect ? r : new Run(r.seconds(), r.rounds(), r.bytesSent(), r.dealerBytes(), false));
    }
    cpuPerRun = CpuWatch.perRun(cpu, CpuWatch.now(processes), timed);
    return runs;
  }

  /**
   * The PIDs of the dealer and parties when this bench started them or the cluster file records them (`smpc cluster
   * up`), only those still running our jars; empty for a remote cluster, whose memory we cannot see.
   */
  static Map<String, Long> pids(ClusterConfig config) {
    Map<String, Long> pids = new java.util.LinkedHashMap<>();
    List<ClusterConfig.Node> all = new ArrayList<>(config.parties());
    all.add(config.dealer());
    for (ClusterConfig.Node node : all) if (node.pid() != null && LocalCluster.ours(node.pid())) pids.put(node.name(), node.pid());
    return pids;
  }

  /** Resets the process's peak resident set to its current one (Linux; elsewhere VmHWM is not read either). */
  static void resetPeak(long pid) {
    try {
      Files.writeString(Path.of("/proc", Long.toString(pid), "clear_refs"), "5");
    } catch (java.io.IOException | UnsupportedOperationException e) {
      // not Linux, or not permitted: peakMb then reports the peak since the process started, or nothing
    }
  }

  /** The process's peak resident set since the last reset, in MiB (VmHWM), or null where /proc does not tell. */
  static Long peakMb(long pid) {
    try (var lines = Files.lines(Path.of("/proc", Long.toString(pid), "status"))) {
      return lines.filter(l -> l.startsWith("VmHWM:")).findFirst().map(l -> Long.parseLong(l.replaceAll("\\D", "")) / 1024).orElse(null);
    } catch (java.io.IOException | RuntimeException e) {
      return null;
    }
  }

  private boolean report(PrintWriter out, String w, int n, List<Run> runs, List<String> parties, Map<String, Long> peaks,
      Map<String, MemoryWatch.Mb> during, Map<String, MemoryWatch.Mb> after, boolean fresh) throws Exception {
    double[] s = runs.stream().mapToDouble(Run::seconds).sorted().toArray();
    double median = s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    double p99 = s[(int) Math.ceil(0.99 * s.length) - 1]; // nearest rank
    Long rss = MemoryWatch.largest(during, parties, MemoryWatch.Mb::rss), live = MemoryWatch.largest(during, parties, MemoryWatch.Mb::live);
    Long rssAfter = MemoryWatch.largest(after, parties, MemoryWatch.Mb::rss);
    Long liveAfter = MemoryWatch.largest(after, parties, MemoryWatch.Mb::live);
    Run first = runs.get(0);
    boolean correct = runs.stream().allMatch(Run::correct);
    long perParty = first.bytesSent() / parties.size();
    // the peak over the computing parties (with --parties, the others idle); null when their PIDs are unknown
    Long peak = parties.stream().map(peaks::get).filter(java.util.Objects::nonNull).max(Long::compare).orElse(null);
    Long dealer = peaks.get("dealer");
    if (json) {
      ObjectNode o = new ObjectMapper().createObjectNode().put("workload", w).put("parties", parties.size()).put("size", n)
          .put("median_s", median).put("min_s", s[0]).put("max_s", s[s.length - 1]).put("runs", s.length).put("p50_s", median).put("p99_s", p99)
          .put("first_s", firstSeconds).put("fresh_cluster", fresh).put("ops_per_s", n / median)
          .put("rounds", first.rounds()).put("bytes_per_party", perParty).put("dealer_bytes", first.dealerBytes())
          .put("peak_rss_mb", peak).put("dealer_peak_rss_mb", dealer).put("rss_mb", rss).put("live_mb", live)
          .put("rss_after_mb", rssAfter).put("live_after_mb", liveAfter).put("settle_s", settleSeconds).put("correct", correct)
          .put("server_cpu_ms", CpuWatch.servers(cpuPerRun, processes.keySet()));
      ObjectNode cpu = o.putObject("cpu_ms");
      cpuPerRun.forEach(cpu::put);
      if (w.equals("W5")) {
        o.put("epochs", W5_EPOCHS).put("s_per_epoch", median / W5_EPOCHS).put("bytes_per_party_per_epoch", perParty / W5_EPOCHS)
            .put("dealer_bytes_per_epoch", first.dealerBytes() / W5_EPOCHS);
      }
      ObjectNode each = o.putObject("party_peak_rss_mb");
      parties.forEach(p -> each.put(p, peaks.get(p)));
      out.println(new ObjectMapper().writeValueAsString(o));
    } else {
      Double serverCpu = CpuWatch.servers(cpuPerRun, processes.keySet());
      out.printf("%-4s %8d %10.4f %10.4f %10.4f %10.4f %10.4f %14.0f %7d %16d %13d %11s %13s %7s %7s %12s %13s %13s %s%n", w, n, median, s[0],
          s[s.length - 1], p99, firstSeconds, n / median, first.rounds(), perParty, first.dealerBytes(), orDash(peak), orDash(dealer),
          orDash(rss), orDash(live), orDash(rssAfter), orDash(liveAfter), serverCpu != null ? String.format("%.2f", serverCpu) : "-", correct);
    }
    out.flush();
    return correct;
  }

  private static Object orDash(Long mb) {
    return mb != null ? mb : "-";
  }
}
