package smpc.cli;

import java.util.List;
import smpc.sdk.Cluster;

/** The bench's W1, TinySMPC's example: a = 25 at the first party, b = 50 at the second, the expression revealed to the last. */
final class W1 {
  private W1() {}

  static final String EXPRESSION = "(_bench_a*_bench_b) - 5*(_bench_a+_bench_b)";
  /** The inputs' names, a then b: the bench's own, removed after each run of the workload. */
  static final List<String> NAMES = List.of("_bench_a", "_bench_b");

  /** Stores the inputs on the first two of {@code parties}. */
  static void input(Cluster c, List<String> parties) {
    c.input(parties.get(0), NAMES.get(0), new long[] {25});
    c.input(parties.get(1), NAMES.get(1), new long[] {50});
  }

  /** Whether a revealed result is W1's: 25·50 − 5·(25 + 50) = 875. */
  static boolean correct(long[] got) {
    return got.length == 1 && got[0] == 875;
  }
}
