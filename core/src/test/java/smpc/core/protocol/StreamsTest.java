package smpc.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import smpc.core.ring.Prg;
import smpc.core.testing.Seeded;

class StreamsTest {
  static final long MAX_START = 1L << 40;

  @Seeded(value = 10, parties = {2, 3, 4, 5, 6, 7})
  void expandedSharesReconstructToValidTriples(int n, long seed) {
    Random rnd = new Random(seed);
    long start = switch (rnd.nextInt(3)) {
      case 0 -> rnd.nextInt(100);
      case 1 -> MAX_START - rnd.nextInt(100);
      default -> rnd.nextLong(MAX_START + 1);
    };
    triples(n, start, 1 + rnd.nextInt(64));
  }

  @Test
  void expandedSharesAtTheEdges() {
    for (int n : new int[] {2, 7}) for (long start : new long[] {0, MAX_START}) for (int count : new int[] {1, 64}) triples(n, start, count);
  }

  static void triples(int n, long start, int count) {
    byte[][] seeds = new byte[n][];
    for (int i = 0; i < n; i++) seeds[i] = Prg.freshSeed();
    long[] c0 = Streams.corrections(seeds, start, count);
    long[] a = new long[count], b = new long[count], c = c0.clone();
    for (int i = 0; i < n; i++) {
      long[][] abc = Streams.tripleShares(seeds[i], i == 0, start, count);
      for (int k = 0; k < count; k++) {
        a[k] += abc[0][k];
        b[k] += abc[1][k];
        if (i > 0) c[k] += abc[2][k];
      }
      if (i == 0) assertThat(abc[2]).as("the designated party's c comes from the dealer").isNull();
    }
    for (int k = 0; k < count; k++) assertThat(c[k]).as("item %d of %d from %d, %d parties", k, count, start, n).isEqualTo(a[k] * b[k]);
  }

  @RepeatedTest(5)
  void aPartyThatLacksOneSeedCannotPredictTheTriple() {
    for (int n = 2; n <= 5; n++) cannotPredict(n);
  }

  static void cannotPredict(int n) {
    byte[][] seeds = new byte[n][];
    for (int i = 0; i < n; i++) seeds[i] = Prg.freshSeed();
    byte[][] guessed = seeds.clone();
    guessed[n - 1] = Prg.freshSeed(); // everyone's seed but the last party's
    assertThat(Streams.corrections(guessed, 0, 16)).doesNotContain(Streams.corrections(seeds, 0, 16));
  }
}
