package smpc.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import smpc.core.ring.Prg;

/** AND pairs ("one x, two y" triples) from the parties' streams and the dealer's correction. */
class AndPairStreamsTest {
  @Test
  void pairsFromSharesAndCorrectionsAreValidForThreeParties() {
    byte[][] seeds = {Prg.freshSeed(), Prg.freshSeed(), Prg.freshSeed()};
    long start = 12_345, count = 500;
    long[][] corr = Streams.andPairCorrections(seeds, start, (int) count);
    for (int k = 0; k < count; k++) {
      long a = 0, b1 = 0, b2 = 0, c1 = corr[0][k], c2 = corr[1][k];
      for (int i = 0; i < 3; i++) {
        long[][] s = Streams.andPairShares(seeds[i], i == 0, start, (int) count);
        if (i == 0) assertThat(s[3]).as("party 0's c1 comes from the dealer").isNull();
        a ^= s[0][k];
        b1 ^= s[1][k];
        b2 ^= s[2][k];
        if (i > 0) {
          c1 ^= s[3][k];
          c2 ^= s[4][k];
        }
      }
      assertThat(c1).isEqualTo(a & b1);
      assertThat(c2).isEqualTo(a & b2);
    }
  }

  @Test
  void pairMasksAreIndependentOfSingleAndTriples() {
    byte[] seed = Prg.freshSeed();
    long[][] pair = Streams.andPairShares(seed, false, 0, 256);
    long[][] single = Streams.andShares(seed, false, 0, 256);
    // same seed and positions, different domains: no word in common (a collision has chance ~2^-48)
    Set<Long> singles = new HashSet<>();
    for (long[] v : single) for (long w : v) singles.add(w);
    for (long[] v : pair) for (long w : v) assertThat(singles).doesNotContain(w);
    assertThat(pair[0]).doesNotContain(pair[1]).doesNotContain(pair[2]);
    assertThat(pair[1]).doesNotContain(pair[2]);
  }

  @Test
  void everyStreamDomainIsDistinct() throws IllegalAccessException {
    Set<Integer> seen = new HashSet<>();
    for (Field f : Streams.class.getFields()) {
      if (f.getType() != int.class || !Modifier.isStatic(f.getModifiers())) continue;
      assertThat(seen.add(f.getInt(null))).as("domain %s is used once", f.getName()).isTrue();
    }
    assertThat(seen).contains(Streams.PAIR_A, Streams.PAIR_B1, Streams.PAIR_B2, Streams.PAIR_C1, Streams.PAIR_C2);
  }
}
