package smpc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The same computations with 2 and 5 parties (3 are covered by ClusterIT). */
class PartyCountIT {
  @ParameterizedTest(name = "{0} parties")
  @ValueSource(ints = {2, 5})
  void seedExampleAndRandomVectorsMatchPlainArithmetic(int n) throws Exception {
    String[] names = {"p1", "p2", "p3", "p4", "p5"};
    String[] parties = java.util.Arrays.copyOf(names, n);
    try (TestCluster c = TestCluster.start(parties)) {
      c.ok("input", "--party", parties[0], "--name", "a", "25");
      c.ok("input", "--party", parties[n - 1], "--name", "b", "50");
      assertThat(c.ok("eval", "(a*b) - 5*(a+b)", "--reveal-to", parties[0])).isEqualTo("875\n");

      Random rnd = new Random(n);
      long[] x = rnd.longs(20).toArray(), y = rnd.longs(20).toArray();
      c.ok(ClusterIT.input(parties[0], "x", x));
      c.ok(ClusterIT.input(parties[1], "y", y));
      long dot = 0;
      long[] expected = new long[20];
      for (int i = 0; i < 20; i++) {
        expected[i] = (x[i] - y[i]) * (x[i] + y[i]) * x[i] - 7;
        dot += x[i] * y[i];
      }
      String out = c.ok("eval", "(x - y) * (x + y) * x - 7", "--reveal-to", parties[n - 1]);
      assertThat(out.lines().mapToLong(Long::parseLong).toArray()).containsExactly(expected);
      assertThat(c.ok("eval", "dot(x, y)", "--reveal-to", parties[1])).isEqualTo(dot + "\n");
    }
  }
}
