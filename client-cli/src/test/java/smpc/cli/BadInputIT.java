package smpc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every bad command gets exit 2 (usage) or 1 (failure) and one clear line; nothing else changes. */
class BadInputIT {
  static TestCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = TestCluster.start("alice", "bob", "carol");
    cluster.ok("input", "--party", "alice", "--name", "u", "1", "2", "3");
    cluster.ok("input", "--party", "bob", "--name", "v", "4", "5");
    cluster.ok("input", "--party", "carol", "--name", "w", "10");
    cluster.ok("share", "w", "--with", "alice");
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) cluster.close();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "eval|u * (v|--reveal-to|alice|2|malformed expression at column 7",
      "eval|u +* v|--reveal-to|alice|2|malformed expression at column 4",
      "eval|nosuch * 2|--reveal-to|alice|2|unknown value name 'nosuch'",
      "eval|u * 2|--reveal-to|dave|2|unknown party 'dave'",
      "eval|u * v|--reveal-to|alice|2|vector lengths differ (3 and 2) in u * v",
      "eval|u < v|--reveal-to|alice|2|vector lengths differ (3 and 2) in u < v",
      "eval|u < v < u|--reveal-to|alice|2|comparisons do not chain",
      "eval|u + w|--reveal-to|alice|2|values shared among different parties cannot be combined",
      "eval|u * 3e9|--reveal-to|alice|2|value out of range: a literal is 3000000000,",
      "eval|u / (2 - 2)|--reveal-to|alice|2|division by zero in u / (2 - 2)",
      "eval|sqrt(u, u)|--reveal-to|alice|2|sqrt takes 1 argument, got 2",
      "eval|sinh(u)|--reveal-to|alice|2|unknown function 'sinh'",
      "reveal|nosuch|--to|alice|2|unknown value name 'nosuch'",
      "share|u|--with|zed|2|unknown party 'zed'"})
  void rejected(String cmd, String a1, String a2, String a3, int code, String message) {
    TestCluster.Result r = cluster.cli(cmd, a1, a2, a3);
    assertThat(r.code()).as(r.err()).isEqualTo(code);
    assertThat(r.err()).startsWith("smpc: error: ").contains(message);
    assertThat(r.err().lines().count()).isEqualTo(1);
    afterwardsEverythingIsIntact();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "input --party alice --name u 9|value 'u' already exists (on alice)",
      "input --party dave --name x 1|unknown party 'dave'",
      "input --party alice --name r 2.5 5e9|value out of range: element 2 of 'r' is 5000000000",
      "input --party alice --name r 2.5x|not a number: '2.5x'",
      "input --party alice --name big 99999999999999999999|value out of range",
      "input --party alice --name e|give at least one VALUE",
      "input --party alice --name 9bad 1|invalid value name '9bad'",
      "eval u|say where the result goes",
      "eval u --reveal-to alice --numeric speed=3|unknown numeric setting 'speed=3'",
      "eval u --reveal-to alice --numeric sigmoid-degree=20|sigmoid-degree must be odd",
      "eval u --reveal-to alice --numeric newton=x|numeric setting newton needs an integer",
      "eval u --reveal-to alice --name w|value 'w' already exists",
      "rm nosuch|unknown value name 'nosuch'",
      "share w --with bob|already shared"})
  void rejectedToo(String line, String message) {
    TestCluster.Result r = cluster.cli(line.split(" "));
    assertThat(r.code()).as(r.err()).isEqualTo(2);
    assertThat(r.err()).contains(message);
    afterwardsEverythingIsIntact();
  }

  @ParameterizedTest
  @CsvSource({"eval", "input"})
  void unknownOptionsAreUsageErrors(String cmd) {
    assertThat(cluster.cli(cmd, "--bogus").code()).isEqualTo(2);
  }

  /** Reals given encoded: the cluster's fractional bits and the reals' range are checked before anything is sent. */
  @org.junit.jupiter.api.Test
  void encodedRealsAreCheckedByTheSdk() {
    try (smpc.sdk.Cluster c = cluster.sdk()) {
      int f = c.config().fracBitsOrDefault();
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> c.inputFixedPoint("alice", "fp", new long[] {1L << f}, f + 1))
          .hasMessage("value 'fp' is encoded with %d fractional bits, the cluster uses %d", f + 1, f);
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> c.inputFixedPoint("alice", "fp", new long[] {3L << f, Long.MIN_VALUE}, f))
          .hasMessageStartingWith("value out of range: element 2 of 'fp' is -");
      assertThat(c.catalog().contains("fp")).isFalse();
      c.inputFixedPoint("alice", "fp", new long[] {3L << f, -(5L << (f - 1))}, f); // 3 and -2.5
      assertThat(c.sessions().evaluate("fp * 2", "alice", null, c.parties()).revealed().get(0)).containsExactly(6L << f, -(5L << f));
      c.delete("fp");
    }
  }

  @org.junit.jupiter.api.Test
  void emptyVectorsAreRefusedByTheSdkAndByTheParty() {
    try (smpc.sdk.Cluster c = cluster.sdk()) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> c.input("alice", "e", new long[0]))
          .hasMessageContaining("value 'e' is an empty vector");
    }
    var ch = smpc.net.Grpc.channel(cluster.config().parties().get(0).address(), cluster.config().identity());
    try {
      var up = smpc.net.Chunks.<smpc.proto.InputChunk, smpc.proto.ValueInfo>upload(1,
          k -> smpc.proto.InputChunk.newBuilder().setName("e").setLength(0).build());
      smpc.proto.PartyGrpc.newStub(ch).input(up);
      org.assertj.core.api.Assertions.assertThatThrownBy(up.reply::join).hasMessageContaining("value 'e' is an empty vector");
    } finally {
      smpc.net.Grpc.close(ch);
    }
    afterwardsEverythingIsIntact();
  }

  private void afterwardsEverythingIsIntact() {
    assertThat(cluster.cli("status").code()).isZero();
    assertThat(cluster.ok("eval", "u * 2", "--reveal-to", "alice")).isEqualTo("2\n4\n6\n");
    assertThat(cluster.ok("reveal", "w", "--to", "alice")).isEqualTo("10\n");
  }
}
