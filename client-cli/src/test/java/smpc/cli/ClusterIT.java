package smpc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import java.util.List;
import smpc.sdk.Cluster;
import smpc.sdk.Evaluation;
import smpc.sdk.PrivateScalar;
import smpc.sdk.PrivateVector;
import smpc.sdk.SharedScalar;
import smpc.sdk.SharedVector;
import smpc.sdk.VirtualMachine;

/** Three real party processes and a dealer process, driven through the CLI and the SDK. */
class ClusterIT {
  static TestCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = TestCluster.start("alice", "bob", "carol");
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) cluster.close();
  }

  @Test
  void seedExampleThroughTheCli() {
    cluster.ok("input", "--party", "alice", "--name", "a", "25");
    cluster.ok("input", "--party", "bob", "--name", "b", "50");
    assertThat(cluster.ok("eval", "(a*b) - 5*(a+b)", "--reveal-to", "alice")).isEqualTo("875\n");
    assertThat(cluster.ok("status")).contains("alice").contains("SERVING").doesNotContain("DOWN");
  }

  @Test
  void aManyRoundSessionReportsItsRoundsAsItGoesAndTheSeedExampleNothing() {
    try (Cluster c = cluster.sdk()) {
      c.input("alice", "progress_x", new long[] {3, -4, 5});
      List<int[]> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
      c.onProgress((done, total) -> seen.add(new int[] {done, total}));
      Evaluation seed = c.sessions().evaluate("(progress_x * progress_x) - 5 * (progress_x + progress_x)", "alice", null, c.parties());
      assertThat(seed.revealed().get(0)).containsExactly(-21, 56, (long) -25);
      assertThat(seen).isEmpty(); // a few rounds: no progress, no latency for it
      Evaluation ev = c.sessions().evaluate("argmax(progress_x * progress_x < 17)", "alice", null, c.parties());
      assertThat(ev.revealed().get(0)).containsExactly(0);
      assertThat(ev.rounds()).isGreaterThanOrEqualTo(16);
      assertThat(seen).isNotEmpty().allSatisfy(p -> assertThat(p[1]).isEqualTo(ev.rounds()));
      assertThat(seen).allSatisfy(p -> assertThat(p[0]).isBetween(1, ev.rounds()));
      assertThat(seen.stream().mapToInt(p -> p[0]).toArray()).isSorted();
    }
  }

  @Test
  void seedExampleThroughTheSdkReadsLikeTheSeed() {
    try (Cluster c = cluster.sdk()) {
      VirtualMachine alice = c.vm("alice"), bob = c.vm("bob"), charlie = c.vm("carol");
      PrivateScalar a = new PrivateScalar(25, alice);
      PrivateScalar b = new PrivateScalar(50, bob);
      SharedScalar sa = a.share(bob, charlie);
      SharedScalar sb = b.share(alice, charlie);
      SharedScalar sc = sa.mul(sb).sub(sa.add(sb).mul(5));
      PrivateScalar result = sc.reconstruct(alice);
      assertThat(result.value()).isEqualTo(875);
      assertThat(result).hasToString("PrivateScalar(875, 'alice')");
    }
    // closing the connection removed the SDK's intermediate inputs and results from every party
    try (Cluster c = cluster.sdk()) {
      assertThat(c.catalog().all().keySet()).noneMatch(n -> n.startsWith("_sdk_"));
    }
  }

  @Test
  void fixedPointRealsThroughTheCli() throws Exception {
    cluster.ok("input", "--party", "alice", "--name", "ra", "2.5");
    cluster.ok("input", "--party", "bob", "--name", "rb", "1.5");
    cluster.ok("input", "--party", "carol", "--name", "ri", "2", "3");
    assertThat(cluster.ok("eval", "ra * rb", "--reveal-to", "carol")).isEqualTo("3.75\n");
    assertThat(cluster.ok("eval", "2.5 * 1.5", "--reveal-to", "carol")).isEqualTo("3.75\n");
    assertThat(cluster.ok("eval", "ri * ra + 1", "--reveal-to", "alice")).isEqualTo("6\n8.5\n");
    assertThat(cluster.ok("eval", "ra * rb * ra", "--reveal-to", "bob", "--name", "rab")).isEqualTo("9.375\n");
    assertThat(cluster.ok("list")).containsPattern("rab\\s+shared\\s+real");
    JsonNode j = new ObjectMapper().readTree(cluster.ok("reveal", "rab", "--to", "alice", "--json"));
    assertThat(j.get("values").get(0).decimalValue()).isEqualByComparingTo("9.375");
  }

  @Test
  void comparisonsThroughTheCliAndTheSdk() {
    cluster.ok("input", "--party", "alice", "--name", "cx", "5", "-3", "0", "7");
    cluster.ok("input", "--party", "bob", "--name", "cy", "5", "2", "0", "-7");
    assertThat(cluster.ok("eval", "cx < cy", "--reveal-to", "carol")).isEqualTo("0\n1\n0\n0\n");
    assertThat(cluster.ok("eval", "(cx > cy) * cx + (cx <= cy) * cy", "--reveal-to", "carol"))
        .isEqualTo(cluster.ok("eval", "max(cx, cy)", "--reveal-to", "carol")).isEqualTo("5\n2\n0\n7\n");
    assertThat(cluster.ok("eval", "max(cx)", "--reveal-to", "carol")).isEqualTo("7\n");
    assertThat(cluster.ok("eval", "argmin(cy)", "--reveal-to", "carol")).isEqualTo("3\n");
    try (Cluster c = cluster.sdk()) {
      VirtualMachine alice = c.vm("alice"), bob = c.vm("bob"), carol = c.vm("carol");
      SharedVector x = new PrivateVector(new double[] {2.5, -1.25, 0.5}, alice).share(bob, carol);
      SharedVector y = new PrivateVector(new double[] {1.5, -1.25, 3}, bob).share(alice, carol);
      PrivateVector prod = x.mul(y).reconstruct(carol);
      assertThat(prod.doubleValues()).containsExactly(3.75, 1.5625, 1.5);
      assertThat(x.ge(y).reconstruct(alice).values()).containsExactly(1, 1, 0);
      assertThat(x.min(y).reconstruct(alice).doubleValues()).containsExactly(1.5, -1.25, 0.5);
      assertThat(x.lt(y).where(x, y).reconstruct(alice).doubleValues()).containsExactly(1.5, -1.25, 0.5);
      PrivateScalar p = new PrivateScalar(2.5, alice).share(bob, carol).mul(new PrivateScalar(1.5, bob).share(alice, carol))
          .reconstruct(alice);
      assertThat(p).hasToString("PrivateScalar(3.75, 'alice')");
      assertThat(p.doubleValue()).isEqualTo(3.75);
    }
  }

  static double[] numbers(String out) {
    return Arrays.stream(out.trim().split("\n")).mapToDouble(Double::parseDouble).toArray();
  }

  @Test
  void divisionAndFunctionsThroughTheCliAndTheSdk() {
    cluster.ok("input", "--party", "alice", "--name", "fx", "1.5", "-2", "100", "0.25");
    cluster.ok("input", "--party", "bob", "--name", "fy", "3", "0.5", "-8", "0.04"); // its square, 0.0016, stays in sqrt's domain (a square below 2^-16 rounds to 0 or 1 unit)
    assertThat(numbers(cluster.ok("eval", "fx / fy", "--reveal-to", "carol")))
        .usingElementComparator((a, b) -> Math.abs(a - b) <= 1e-3 * Math.abs(b) + 1e-4 ? 0 : 1)
        .containsExactly(0.5, -4, -12.5, 6.25);
    assertThat(numbers(cluster.ok("eval", "sigmoid(fx)", "--reveal-to", "alice")))
        .usingElementComparator((a, b) -> Math.abs(a - b) <= 1e-3 ? 0 : 1)
        .containsExactly(1 / (1 + Math.exp(-1.5)), 1 / (1 + Math.exp(2)), 1, 1 / (1 + Math.exp(-0.25)));
    assertThat(numbers(cluster.ok("eval", "sqrt(fy * fy) + exp(0 - fy * fy)", "--reveal-to", "bob")))
        .usingElementComparator((a, b) -> Math.abs(a - b) <= 1e-3 * Math.abs(b) + 1e-4 ? 0 : 1)
        .containsExactly(3 + Math.exp(-9), 0.5 + Math.exp(-0.25), 8, 0.04 + Math.exp(-0.0016));
    // division by a secret zero: 0, and every process stays up
    assertThat(Arrays.stream(numbers(cluster.ok("eval", "fx / (fy - fy)", "--reveal-to", "carol")))).allMatch(v -> Math.abs(v) <= 1e-4);
    assertThat(cluster.ok("status")).doesNotContain("DOWN");
    cluster.ok("input", "--party", "carol", "--name", "ix", "17", "-17", "0", "1000000");
    assertThat(cluster.ok("eval", "ix / 5", "--reveal-to", "carol")).isEqualTo("3\n-4\n0\n200000\n");
    try (Cluster c = cluster.sdk()) {
      VirtualMachine alice = c.vm("alice"), bob = c.vm("bob"), carol = c.vm("carol");
      SharedVector x = new PrivateVector(new double[] {2, -1, 0.5}, alice).share(bob, carol);
      SharedVector y = new PrivateVector(new double[] {8, 4, -0.25}, bob).share(alice, carol);
      assertThat(x.div(y).reconstruct(carol).doubleValues())
          .usingElementComparator((a, b) -> Math.abs(a - b) <= 1e-3 * Math.abs(b) ? 0 : 1).containsExactly(0.25, -0.25, -2.0);
      double[] soft = x.softmax().reconstruct(alice).doubleValues();
      double z = Math.exp(2) + Math.exp(-1) + Math.exp(0.5);
      assertThat(soft).usingElementComparator((a, b) -> Math.abs(a - b) <= 2e-3 ? 0 : 1)
          .containsExactly(Math.exp(2) / z, Math.exp(-1) / z, Math.exp(0.5) / z);
      assertThat(y.log().reconstruct(bob).doubleValues()[0]).isCloseTo(Math.log(8), org.assertj.core.data.Offset.offset(2e-3));
      assertThat(x.argmax().reconstruct(bob).value()).isEqualTo(0);
    }
  }

  @Test
  void statisticsOverSalariesHeldByThreeParties() {
    cluster.ok("input", "--party", "alice", "--name", "sal_a", "52000", "61000", "58500");
    cluster.ok("input", "--party", "bob", "--name", "sal_b", "49000", "75000");
    cluster.ok("input", "--party", "carol", "--name", "sal_c", "66000", "70500", "55000", "61000");
    assertThat(numbers(cluster.ok("eval", "mean(sal_a, sal_b, sal_c)", "--reveal-to", "alice"))[0])
        .isCloseTo(548000 / 9.0, org.assertj.core.data.Offset.offset(0.5));
    assertThat(cluster.ok("eval", "median(sal_a, sal_b, sal_c)", "--reveal-to", "bob")).isEqualTo("61000\n");
    assertThat(cluster.ok("eval", "histogram(sal_a, sal_b, sal_c, 40000, 60000, 80000)", "--reveal-to", "carol"))
        .isEqualTo("4\n5\n");
    assertThat(cluster.ok("eval", "isin(sal_a, sal_c)", "--reveal-to", "alice")).isEqualTo("0\n1\n0\n");
    try (Cluster c = cluster.sdk()) {
      VirtualMachine alice = c.vm("alice"), bob = c.vm("bob"), carol = c.vm("carol");
      SharedVector a = new PrivateVector(new long[] {52, 61, 58}, alice).share(bob, carol);
      SharedVector b = new PrivateVector(new long[] {49, 75}, bob).share(alice, carol);
      SharedVector all = a.concat(b);
      assertThat(all.mean().reconstruct(alice).doubleValue()).isCloseTo(59, org.assertj.core.data.Offset.offset(1e-3));
      assertThat(all.median().reconstruct(bob).value()).isEqualTo(58);
      assertThat(all.histogram(40, 60, 80).reconstruct(carol).values()).containsExactly(3, 2);
      assertThat(a.isin(b.add(3)).reconstruct(alice).values()).containsExactly(1, 0, 0);
      assertThat(all.stdev().reconstruct(alice).doubleValue()).isCloseTo(Math.sqrt(82), org.assertj.core.data.Offset.offset(1e-2));
    }
  }

  @Test
  void aFracBitsMismatchBetweenCoordinatorAndPartiesIsRefused() throws Exception {
    cluster.ok("input", "--party", "alice", "--name", "fm", "3");
    var c = cluster.config();
    Path other = cluster.dir.resolve("f12.json");
    new smpc.sdk.ClusterConfig(c.dealer(), c.parties(), 12, null, c.tls()).save(other);
    TestCluster.Result r = cluster.cli("eval", "fm * fm", "--reveal-to", "alice", "--cluster", other.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("session uses 12 fractional bits but").contains("configured with 16");
  }

  @Test
  void demoPrintsTheSeedResult() {
    assertThat(cluster.ok("demo")).contains("PrivateScalar(875, 'alice')");
  }

  @Test
  void sdkVectorsWithBroadcastSumAndDot() {
    try (Cluster c = cluster.sdk()) {
      VirtualMachine alice = c.vm("alice"), bob = c.vm("bob"), carol = c.vm("carol");
      SharedVector u = new PrivateVector(new long[] {1, 2, 3}, alice).share(bob, carol);
      SharedVector v = new PrivateVector(new long[] {4, -5, 6}, bob).share(alice, carol);
      SharedScalar k = new PrivateScalar(10, carol).share(alice, bob);
      assertThat(u.mul(v).add(k).reconstruct(carol).values()).containsExactly(14, 0, 28);
      assertThat(u.dot(v).reconstruct(bob).value()).isEqualTo(12);
      assertThat(u.sum().mul(k).reconstruct(alice).value()).isEqualTo(60);
    }
  }

  @Test
  void shareRevealListAndRemove() throws Exception {
    cluster.ok("input", "--party", "carol", "--name", "s1", "7", "8", "9");
    assertThat(cluster.ok("share", "s1", "--with", "alice,bob")).contains("s1 is now shared among alice, bob, carol");
    assertThat(cluster.ok("list")).containsPattern("s1\\s+shared\\s+int\\s+3\\s+alice, bob, carol");
    assertThat(cluster.ok("reveal", "s1", "--to", "bob")).isEqualTo("7\n8\n9\n");
    assertThat(cluster.ok("eval", "s1 * 2 - 1", "--reveal-to", "alice", "--name", "s2")).isEqualTo("13\n15\n17\n");
    JsonNode json = new ObjectMapper().readTree(cluster.ok("reveal", "s2", "--to", "carol", "--json"));
    assertThat(json.get("values").toString()).isEqualTo("[13,15,17]");
    assertThat(cluster.ok("rm", "s2")).contains("removed s2 from alice, bob, carol");
    assertThat(cluster.cli("reveal", "s2", "--to", "carol").code()).isEqualTo(2);
    // a value shared between two parties only is used on exactly those two
    cluster.ok("input", "--party", "alice", "--name", "p2", "3");
    cluster.ok("share", "p2", "--with", "bob");
    assertThat(cluster.ok("eval", "p2 * p2", "--reveal-to", "bob", "--parties", "alice,bob")).isEqualTo("9\n");
    // a value of a party left out of --parties: said, not just "unknown"
    // one name private on two parties: the advice removes one of them, not both
    cluster.ok("input", "--party", "alice", "--name", "dup", "1");
    cluster.ok("--as", "bob", "input", "--party", "bob", "--name", "dup", "2");
    TestCluster.Result amb = cluster.cli("eval", "dup", "--reveal-to", "alice");
    assertThat(amb.err()).contains("name 'dup' is ambiguous: it is held as").contains("`smpc --as alice rm dup` removes alice's only");
    assertThat(cluster.ok("--as", "alice", "rm", "dup")).isEqualTo("removed dup from alice\n");
    assertThat(cluster.ok("eval", "dup", "--reveal-to", "bob")).isEqualTo("2\n");
    cluster.ok("input", "--party", "carol", "--name", "conly", "4");
    TestCluster.Result left = cluster.cli("eval", "p2 + conly", "--reveal-to", "alice", "--parties", "alice,bob");
    assertThat(left.code()).isEqualTo(2);
    assertThat(left.err()).contains("unknown value name 'conly'").contains("(carol is not among the computing parties: a value held there"
        + " needs it in --parties)");
  }

  @Test
  void csvColumnInputAndJsonOutput() throws Exception {
    Path csv = cluster.dir.resolve("salaries.csv");
    Files.writeString(csv, "id,salary\n1,5000\n2,6100\n3,4800\n");
    cluster.ok("input", "--party", "bob", "--name", "sal", "--csv", csv.toString(), "--column", "salary");
    JsonNode j = new ObjectMapper().readTree(cluster.ok("eval", "sum(sal)", "--reveal-to", "carol", "--json", "--stats"));
    assertThat(j.get("values").get(0).asLong()).isEqualTo(15900);
    assertThat(j.get("party").asText()).isEqualTo("carol");
    assertThat(j.get("stats").get("rounds").asInt()).isEqualTo(1); // the reveal (sal's seeds ride on the agreement)
  }

  /** Several CSV columns make a matrix, its shape in the metadata and the listing; a product of two parties' matrices. */
  @Test
  void csvColumnsAreAMatrixAndMatricesMultiply() throws Exception {
    Path x = cluster.dir.resolve("x.csv"), w = cluster.dir.resolve("w.csv");
    Files.writeString(x, "id,a,b,c\n7,1,2,9\n8,3,4,9\n9,5,6,9\n");
    Files.writeString(w, "id,u,v\n1,1,-1\n2,10,2\n");
    assertThat(cluster.ok("input", "--party", "alice", "--name", "mx", "--csv", x.toString(), "--columns", "b,a"))
        .contains("stored mx on alice (3x2 matrix)");
    assertThat(cluster.ok("input", "--party", "bob", "--name", "mw", "--csv", w.toString(), "--all-columns", "--except", "id"))
        .contains("stored mw on bob (2x2 matrix)");
    assertThat(cluster.ok("list")).containsPattern("mx +private +int +3x2 +alice").containsPattern("mw +private +int +2x2 +bob");
    // rows (2,1), (4,3), (6,5) times ((1,-1), (10,2))
    assertThat(cluster.ok("eval", "mx @ mw", "--reveal-to", "carol", "--name", "mp", "--json")).contains("\"values\":[[12,0],[34,2],[56,4]],\"cols\":2");
    assertThat(cluster.ok("reveal", "mp", "--to", "carol")).isEqualTo("12,0\n34,2\n56,4\n"); // a row per line, as CSV
    assertThat(cluster.ok("list")).containsPattern("mp +shared +int +3x2"); // a stored product keeps its shape
    TestCluster.Result bad = cluster.cli("eval", "mx @ mx", "--reveal-to", "carol");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("matmul of 3x2 by 3x2: the inner dimensions differ (2 and 3) in mx @ mx");
  }

  /**
   * An evaluation that stores nothing resolves names through the catalog the connection read before; when
   * another client deleted or replaced a value since, the parties refuse the stale plan and the SDK reads
   * the catalog again: an unknown name is named, a replaced value is used as it is now.
   */
  @Test
  void aStaleCatalogGivesTheFreshResultOrNamesTheUnknownValue() {
    cluster.ok("input", "--party", "alice", "--name", "st_a", "25");
    cluster.ok("input", "--party", "bob", "--name", "st_b", "50");
    java.util.List<smpc.core.expr.Compiler.Output> out = java.util.List.of(smpc.core.expr.Compiler.Output.reveal(
        smpc.core.expr.Parser.parse("(st_a*st_b) - 5*(st_a+st_b)"), "alice"));
    try (Cluster c = cluster.sdk()) {
      // the plan of each is compiled once and kept with the catalog: the kept one must be each's own
      java.util.List<smpc.core.expr.Compiler.Output> sum = java.util.List.of(smpc.core.expr.Compiler.Output.reveal(
          smpc.core.expr.Parser.parse("st_a + st_b"), "alice"));
      for (int i = 0; i < 3; i++) {
        assertThat(c.evaluate(out, c.parties()).revealed().get(0)).containsExactly(875);
        assertThat(c.evaluate(sum, c.parties()).revealed().get(0)).containsExactly(75);
      }
      // another client replaces st_b by a vector, then deletes st_a
      cluster.ok("rm", "st_b");
      cluster.ok("input", "--party", "bob", "--name", "st_b", "50", "2");
      assertThat(c.evaluate(out, c.parties()).revealed().get(0)).containsExactly(875, -85);
      cluster.ok("rm", "st_a");
      assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> c.evaluate(out, c.parties())))
          .isInstanceOf(smpc.sdk.SmpcException.class).hasMessageContaining("unknown value name 'st_a'")
          .matches(e -> ((smpc.sdk.SmpcException) e).isUsageError());
      // and a name created since is found
      cluster.ok("input", "--party", "carol", "--name", "st_a", "7");
      assertThat(c.evaluate(out, c.parties()).revealed().get(0)).containsExactly(7 * 50 - 5 * 57, 7 * 2 - 5 * 9);
    } finally {
      cluster.cli("rm", "st_a");
      cluster.cli("rm", "st_b");
    }
  }

  @Test
  void randomIntegerExpressionsEqualPlainLongEvaluation() {
    Random rnd = new Random(42);
    int n = 50;
    long[] x = rnd.longs(n).toArray(), y = rnd.longs(n, -1000, 1000).toArray(), z = rnd.longs(n).toArray();
    cluster.ok(input("alice", "rx", x));
    cluster.ok(input("bob", "ry", y));
    cluster.ok(input("carol", "rz", z));
    long[] expected = new long[n];
    for (int i = 0; i < n; i++) expected[i] = x[i] * y[i] - 3 * (z[i] + x[i]) * y[i] + -z[i] * z[i] * x[i];
    String out = cluster.ok("eval", "rx*ry - 3*(rz + rx)*ry + -rz*rz*rx", "--reveal-to", "bob");
    assertThat(out.lines().mapToLong(Long::parseLong).toArray()).containsExactly(expected);
  }

  @Test
  void aMillionElementProductStreamsInChunks() {
    try (Cluster c = cluster.sdk()) {
      int n = 1_000_000;
      long[] x = new Random(1).longs(n).toArray(), y = new Random(2).longs(n).toArray();
      c.input("alice", "big_x", x);
      c.input("bob", "big_y", y);
      var ev = c.evaluate(java.util.List.of(smpc.core.expr.Compiler.Output.reveal(smpc.core.expr.Parser.parse("big_x * big_y"), "carol")),
          c.parties());
      long[] z = ev.revealed().get(0);
      assertThat(z).hasSize(n);
      for (int i = 0; i < n; i++) assertThat(z[i]).isEqualTo(x[i] * y[i]);
      assertThat(ev.rounds()).isEqualTo(2); // the Beaver round and the reveal (the input seeds ride on the agreement)
      c.delete("big_x");
      c.delete("big_y");
    }
  }

  /** `smpc input --party P --name N v1 v2 ...` (negative values included). */
  static String[] input(String party, String name, long[] v) {
    return java.util.stream.Stream.concat(java.util.stream.Stream.of("input", "--party", party, "--name", name),
        Arrays.stream(v).mapToObj(Long::toString)).toArray(String[]::new);
  }
}
