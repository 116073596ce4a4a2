package smpc.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import smpc.core.ring.Prg;

class StreamsTest {
  @Property(tries = 60)
  void expandedSharesReconstructToValidTriples(@ForAll @IntRange(min = 2, max = 7) int n,
      @ForAll @LongRange(max = 1L << 40) long start, @ForAll @IntRange(min = 1, max = 64) int count) {
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
    for (int k = 0; k < count; k++) assertThat(c[k]).isEqualTo(a[k] * b[k]);
  }

  @Property(tries = 20)
  void aPartyThatLacksOneSeedCannotPredictTheTriple(@ForAll @IntRange(min = 2, max = 5) int n) {
    byte[][] seeds = new byte[n][];
    for (int i = 0; i < n; i++) seeds[i] = Prg.freshSeed();
    byte[][] guessed = seeds.clone();
    guessed[n - 1] = Prg.freshSeed(); // everyone's seed but the last party's
    assertThat(Streams.corrections(guessed, 0, 16)).doesNotContain(Streams.corrections(seeds, 0, 16));
  }
}
