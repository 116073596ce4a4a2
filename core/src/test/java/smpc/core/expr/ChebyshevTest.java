package smpc.core.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;
import smpc.core.testing.Seeded;

/** The Paterson-Stockmeyer split of a Chebyshev series, against summing the series in doubles. */
class ChebyshevTest {
  /** p = q·T_n + r at random points, for random series (odd ones too) and every n with deg p < 2n. */
  @Seeded(5)
  void aSplitIsTheSameFunction(long seed) {
    Random rnd = new Random(seed);
    int d = 2 + rnd.nextInt(30);
    boolean odd = rnd.nextBoolean();
    double[] p = new double[d + 1];
    for (int k = 0; k <= d; k++) p[k] = odd && k % 2 == 0 ? 0 : rnd.nextDouble() * 2 - 1;
    for (int n = (d + 2) / 2; n <= d; n++) {
      double[][] qr = Chebyshev.divide(p, n);
      assertThat(Chebyshev.degree(qr[0])).isLessThan(n);
      if (odd && n % 2 == 0) for (int k = 0; k < n; k += 2) assertThat(qr[0][k] == 0 && qr[1][k] == 0).as("odd parts stay odd").isTrue();
      for (int i = 0; i < 20; i++) {
        double x = rnd.nextDouble() * 2 - 1;
        assertThat(series(qr[0], x) * t(n, x) + series(qr[1], x)).as("degree %d split at %d, x = %s", d, n, x).isCloseTo(series(p, x), within(1e-9));
      }
    }
  }

  /** The default sigmoid (odd, degree 21) splits with babies up to 8; exp's degree 9 and short series keep the plain sum. */
  @Test
  void splitsOnlyWhereAThirdOfTheProductsGo() {
    double[] odd21 = Chebyshev.chebyshev(t -> Math.tanh(4 * t), 21, true);
    assertThat(Chebyshev.babySteps(odd21)).isEqualTo(8);
    assertThat(Chebyshev.babySteps(Chebyshev.chebyshev(Math::exp, 9, false))).isEqualTo(9);
    assertThat(Chebyshev.babySteps(Chebyshev.chebyshev(t -> Math.tanh(4 * t), 7, true))).isEqualTo(7);
  }

  private static double series(double[] c, double x) {
    double sum = 0;
    for (int k = 0; k < c.length; k++) sum += c[k] * t(k, x);
    return sum;
  }

  private static double t(int k, double x) {
    return Math.cos(k * Math.acos(x));
  }
}
