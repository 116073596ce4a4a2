package smpc.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The paired comparison's figures: signed differences pair by pair, medians and nearest-rank quantiles as the bench's. */
class PairedW1Test {
  @Test
  void theDifferenceIsTakenPairByPairWithItsSign() {
    PairedW1.Result r = new PairedW1.Result(new double[] {1, 2, 3, 4}, new double[] {2, 2, 5, 1}, 1.0, 2.0, 0.5, true);
    // differences -1, 0, -2, 3: median of the middle two, -0.5 (not the difference of the medians, 2.5 - 2 = 0.5)
    assertThat(r.medianDifference()).isCloseTo(-0.5, within(1e-12));
    assertThat(r.fasterShare()).isCloseTo(0.5, within(1e-12)); // 1 < 2 and 3 < 5; a tie is not faster
  }

  @Test
  void medianAndQuantileAreTheBenchs() {
    double[] v = {5, 1, 3};
    assertThat(PairedW1.median(v)).isEqualTo(3);
    assertThat(PairedW1.median(new double[] {4, 1, 3, 2})).isEqualTo(2.5);
    assertThat(PairedW1.quantile(v, 0.99)).isEqualTo(5);
    assertThat(PairedW1.quantile(v, 0.5)).isEqualTo(3);
    double[] hundred = new double[100];
    for (int i = 0; i < 100; i++) hundred[i] = 100 - i;
    assertThat(PairedW1.quantile(hundred, 0.99)).isEqualTo(99); // nearest rank: the 99th of 100
    assertThat(v).containsExactly(5, 1, 3); // the caller's array is left as it was
  }
}
