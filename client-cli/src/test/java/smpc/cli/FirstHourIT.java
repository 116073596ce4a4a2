package smpc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What a new user meets first: machine-readable outputs, exact and chosen digits, messages that say what to do. */
class FirstHourIT {
  static final ObjectMapper JSON = new ObjectMapper();
  static TestCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = TestCluster.start("alice", "bob", "carol");
    cluster.ok("input", "--party", "alice", "--name", "price", "5");
    cluster.ok("input", "--party", "bob", "--name", "qty", "3.0");
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) cluster.close();
  }

  @Test
  void statusAndListAsJson() throws Exception {
    JsonNode status = JSON.readTree(cluster.ok("status", "--json", "--wait", "60"));
    assertThat(status.get("healthy").asBoolean()).isTrue();
    assertThat(status.get("processes").fieldNames()).toIterable().containsExactly("dealer", "alice", "bob", "carol");
    assertThat(status.get("processes").get("bob").get("up").asBoolean()).isTrue();
    assertThat(status.get("processes").get("bob").get("role").asText()).isEqualTo("party");
    JsonNode list = JSON.readTree(cluster.ok("list", "--json", "--party", "bob"));
    assertThat(list.get("values").toString()).isEqualTo("[{\"name\":\"qty\",\"kind\":\"private\",\"type\":\"real\",\"length\":1,\"shape\":\"1\",\"held_by\":[\"bob\"]}]");
  }

  @Test
  void jsonCarriesExactRealsAndTextTakesDigits() throws Exception {
    // 2/3 at 16 fractional bits: the revealed fixed-point value is k / 2^16 for an integer k near 43690.67
    JsonNode j = JSON.readTree(cluster.ok("eval", "2.0 / 3", "--reveal-to", "alice", "--json"));
    java.math.BigDecimal exact = j.get("values").get(0).decimalValue();
    java.math.BigDecimal k = exact.multiply(java.math.BigDecimal.valueOf(65536));
    assertThat(k.stripTrailingZeros().scale()).as("an exact multiple of 2^-16: %s", exact).isLessThanOrEqualTo(0);
    assertThat(k.longValueExact()).isBetween(43690L, 43691L);
    assertThat(exact.scale()).as("more decimals than the text output's 4: %s", exact).isGreaterThan(4);
    String text = cluster.ok("eval", "2.0 / 3", "--reveal-to", "alice");
    assertThat(text).matches("0\\.666[67]\n");
    assertThat(cluster.ok("eval", "price / qty", "--reveal-to", "alice", "--digits", "2")).isEqualTo("1.67\n");
    assertThat(cluster.ok("eval", "price * 2.5", "--reveal-to", "alice", "--digits", "3")).isEqualTo("12.500\n");
    assertThat(cluster.ok("eval", "price * 2", "--reveal-to", "alice", "--digits", "3")).as("integers print as integers").isEqualTo("10\n");
    JsonNode stats = JSON.readTree(cluster.ok("eval", "price * 2", "--reveal-to", "alice", "--json", "--stats")).get("stats");
    assertThat(stats.get("session_id").asText()).as("the id the parties' log lines carry").matches("[0-9a-f]{8}");
  }

  @Test
  void anExpressionStartingWithMinusFollowsTheDoubleDash() {
    assertThat(cluster.ok("--cluster", cluster.file.toString(), "eval", "--reveal-to", "alice", "--", "-price + 1")).isEqualTo("-4\n");
  }

  @Test
  void unknownNamesSuggestTheClosest() {
    TestCluster.Result r = cluster.cli("eval", "prise * 2", "--reveal-to", "alice");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("unknown value name 'prise' (did you mean 'price'?)");
    r = cluster.cli("eval", "price * 2", "--reveal-to", "alcie");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("unknown party 'alcie' (did you mean 'alice'?)");
    r = cluster.cli("rm", "qyt");
    assertThat(r.err()).contains("unknown value name 'qyt' (did you mean 'qty'?)");
    r = cluster.cli("input", "--party", "bobb", "--name", "z", "1");
    assertThat(r.err()).contains("unknown party 'bobb' (did you mean 'bob'?)");
  }

  /** Results outside the documented range are flagged (stderr and --json); in-range ones, as the bench's, are not. */
  @Test
  void resultsThatProbablyWrappedAreFlagged() throws Exception {
    TestCluster.Result tiny = cluster.cli("input", "--party", "carol", "--name", "tiny", "1e-9");
    assertThat(tiny.code()).isZero();
    assertThat(tiny.err()).contains("smpc: warning: 1e-9 is stored as 0");
    cluster.ok("input", "--party", "alice", "--name", "big_a", "1000000000.0");
    cluster.ok("input", "--party", "bob", "--name", "big_b", "1000000000.0");
    TestCluster.Result wrapped = cluster.cli("eval", "big_a * big_b", "--reveal-to", "alice", "--json");
    assertThat(wrapped.code()).isZero();
    assertThat(JSON.readTree(wrapped.out()).get("probably_wrapped").asBoolean()).as(wrapped.out()).isTrue();
    assertThat(wrapped.err()).contains("smpc: warning: 1 of 1 results lie outside the safe range (reals below 2^30 in magnitude)");
    // beyond the reals' safe range by a product with an integer: exact, and the warning says when it is
    TestCluster.Result scaled = cluster.cli("eval", "big_a * 30000", "--reveal-to", "alice");
    assertThat(scaled.out()).isEqualTo("30000000000000\n");
    assertThat(scaled.err()).contains("1 of 1 results lie outside the safe range (reals below 2^30 in magnitude): right if they came from"
        + " sums and products by integers (exact below 2^46), wrapped modulo 2^64 if from a product of two reals");
    TestCluster.Result ints = cluster.cli("eval", "price * 4611686018427387904", "--reveal-to", "alice");
    assertThat(ints.err()).contains("integers below 2^62");
    // what the bench computes, on its kind of inputs: no flag
    for (String expr : new String[] {"(price*qty) - 5*(price+qty)", "price < qty", "price * 99.5", "sigmoid(qty)", "price / 0.01"}) {
      TestCluster.Result r = cluster.cli("eval", expr, "--reveal-to", "alice", "--json");
      assertThat(r.code()).as(expr + ": " + r.err()).isZero();
      assertThat(JSON.readTree(r.out()).get("probably_wrapped").asBoolean()).as(expr).isFalse();
      assertThat(r.err()).as(expr).doesNotContain("warning");
    }
  }
}
