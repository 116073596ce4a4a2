package smpc.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Matrix helpers through the plan runner against plain computation. */
class MatricesTest {
  static double q(double v) {
    return Math.scalb(Math.rint(Math.scalb(v, 16)), -16);
  }

  @Test
  void productsSlicesAndTiles() {
    double[] x = {1, 2, 3, 4, 5, 6}; // 2 x 3
    double[] w = {0.5, -1, 2};
    assertThat(StatisticsTest.eval("matvec(x0, x1)", 3, x, w)).containsExactly(4.5, 9);
    assertThat(StatisticsTest.eval("vecmat(x1, x0)", 2, x, new double[] {1, -2})).containsExactly(-7, -8, -9);
    assertThat(StatisticsTest.eval("slice(x0, 2, 3)", 2, (Object) x)).containsExactly(3, 4, 5);
    assertThat(StatisticsTest.eval("tile(x0, 2)", 2, (Object) w)).containsExactly(0.5, -1, 2, 0.5, -1, 2);
    assertThatThrownBy(() -> StatisticsTest.eval("matvec(x0, x1)", 2, x, new double[] {1, 2, 3, 4}))
        .hasMessageContaining("a matrix of 6 elements does not have rows of 4");
    assertThatThrownBy(() -> StatisticsTest.eval("slice(x0, 5, 3)", 2, (Object) x)).hasMessageContaining("outside a vector of 6");
  }

  @Test
  void columnStatisticsAndStandardisation() {
    Random rnd = new Random(4);
    int n = 50, d = 3;
    double[] x = new double[n * d];
    double[] scale = {0.007, 1, 600};
    for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) x[i * d + j] = q(scale[j] * (3 + rnd.nextGaussian()));
    double[] mu = new double[d], sd = new double[d];
    for (int j = 0; j < d; j++) {
      for (int i = 0; i < n; i++) mu[j] += x[i * d + j] / n;
      for (int i = 0; i < n; i++) sd[j] += (x[i * d + j] - mu[j]) * (x[i * d + j] - mu[j]) / n;
      sd[j] = Math.sqrt(sd[j]);
    }
    double[] gotMu = StatisticsTest.eval("colmean(x0, 3)", 3, (Object) x);
    double[] gotSd = StatisticsTest.eval("colstdev(x0, 3)", 3, (Object) x);
    for (int j = 0; j < d; j++) {
      assertThat(gotMu[j]).isCloseTo(mu[j], offset(1e-3 * Math.abs(mu[j]) + 1e-4));
      assertThat(gotSd[j]).isCloseTo(sd[j], offset(2e-3 * sd[j] + 1e-4));
    }
    double[] z = StatisticsTest.eval("standardize(x0, 3)", 2, (Object) x);
    for (int k = 0; k < z.length; k++) assertThat(z[k]).isCloseTo((x[k] - mu[k % d]) / sd[k % d], offset(0.02));
  }

  /**
   * Column deviations (and standardize with its own statistics) of columns whose sum of squared deviations
   * is far beyond 2^30 (deviations up to 30,000 over 456 rows: variances up to 2^30, stdev's bound) and of tiny
   * ones (10^-3), against plain
   * arithmetic over 2, 3 and 5 parties: each column takes stdev's two precisions.
   */
  @Test
  void columnDeviationsOfWideAndTinyColumns() {
    long seed = new Random().nextLong();
    Random rnd = new Random(seed);
    int n = 456, d = 4;
    double[] spread = {0.001, 2000, 16_200, 30_000};
    double[] x = new double[n * d];
    for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) x[i * d + j] = q(3 * spread[j] + spread[j] * rnd.nextGaussian());
    double[] mu = new double[d], sd = new double[d];
    for (int j = 0; j < d; j++) {
      for (int i = 0; i < n; i++) mu[j] += x[i * d + j] / n;
      for (int i = 0; i < n; i++) sd[j] += (x[i * d + j] - mu[j]) * (x[i * d + j] - mu[j]) / n;
      sd[j] = Math.sqrt(sd[j]);
    }
    for (int parties : new int[] {2, 3, 5}) {
      double[] got = StatisticsTest.eval("colstdev(x0, 4)", parties, (Object) x);
      for (int j = 0; j < d; j++) {
        assertThat(got[j]).as("deviation of column %d with %d parties (seed %d)", j, parties, seed).isCloseTo(sd[j], offset(2e-3 * sd[j] + 1e-4));
      }
      double[] z = StatisticsTest.eval("standardize(x0, 4)", parties, (Object) x);
      for (int k = 0; k < z.length; k += 7) {
        double exact = (x[k] - mu[k % d]) / sd[k % d];
        // the mean is a real at f = 16: (x - mean) / sd is off by up to a few 2^-16 / sd, 1.5 % of a unit for sd = 0.001
        double bound = 5e-3 * Math.abs(exact) + Math.scalb(1.0, -14) / sd[k % d] + 1e-2;
        assertThat(z[k]).as("element %d with %d parties (seed %d)", k, parties, seed).isCloseTo(exact, offset(bound));
      }
    }
  }

  /** A value of known shape is taken with its own columns: another count is refused, naming the shape. */
  @Test
  void aMatrixOfKnownShapeIsNotReadAsOtherRows() {
    double[] x = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    String m = "reshape(x0, 5, 2)";
    for (String bad : new String[] {"standardize(" + m + ", 1)", "colmean(" + m + ", 5)", "colstdev(" + m + ", 1)",
        "matvec(" + m + ", x1)", "vecmat(slice(x1, 0, 2), " + m + ")"}) {
      assertThatThrownBy(() -> StatisticsTest.eval(bad, 2, x, new double[] {1, 1, 1, 1, 1}))
          .as(bad).hasMessageContaining("a 5x2 matrix does not have");
    }
    // the same elements as a plain vector: rows of any length that divides it
    assertThat(StatisticsTest.eval("colmean(x0, 5)", 2, (Object) x)).containsExactly(new double[] {3.5, 4.5, 5.5, 6.5, 7.5}, offset(1e-3));
    assertThat(StatisticsTest.eval("colmean(" + m + ", 2)", 2, (Object) x)).containsExactly(new double[] {5, 6}, offset(1e-3));
  }

  /** A matrix wider than tall takes a product per element instead of x · diag(1/sd): the same quotients. */
  @Test
  void wideMatricesStandardiseElementwise() {
    long seed = new Random().nextLong();
    Random rnd = new Random(seed);
    int n = 3, d = 12;
    double[] mu = new double[d], sd = new double[d], x = new double[n * d];
    for (int j = 0; j < d; j++) {
      mu[j] = q(100 * rnd.nextGaussian());
      sd[j] = q(Math.pow(10, 4 * rnd.nextDouble() - 1));
    }
    for (int k = 0; k < x.length; k++) x[k] = q(mu[k % d] + sd[k % d] * 5 * rnd.nextGaussian());
    for (int parties : new int[] {2, 3, 5}) {
      double[] z = StatisticsTest.eval("standardize(x0, x1, x2)", parties, x, mu, sd);
      for (int k = 0; k < z.length; k++) {
        double exact = (x[k] - mu[k % d]) / sd[k % d];
        assertThat(z[k]).as("element %d with %d parties (seed %d)", k, parties, seed).isCloseTo(exact, offset(2e-4 * Math.abs(exact) + 1e-3));
      }
    }
  }

  /**
   * standardize with given statistics (one reciprocal per column, then a product per element) against plain
   * division over 2, 3 and 5 parties, for deviations from 10^-3 to 10^4 and quotients up to ±60,000.
   */
  @Test
  void standardisationWithGivenStatisticsIsWithinItsBound() {
    long seed = new Random().nextLong();
    Random rnd = new Random(seed);
    int n = 40, d = 4;
    double[] sd = {0.001 + 0.01 * rnd.nextDouble(), 1 + rnd.nextDouble(), 300 * (1 + rnd.nextDouble()), 9000 + 1000 * rnd.nextDouble()};
    double[] mu = {q(rnd.nextGaussian()), q(5 * rnd.nextGaussian()), q(100 * rnd.nextGaussian()), q(1000 * rnd.nextGaussian())};
    double[] x = new double[n * d];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) x[i * d + j] = q(mu[j] + sd[j] * (i == 0 ? 60_000 * (j % 2 == 0 ? 1 : -1) : i == 1 ? -999 : 3 * rnd.nextGaussian()));
    }
    double[] sdq = java.util.Arrays.stream(sd).map(MatricesTest::q).toArray();
    for (int parties : new int[] {2, 3, 5}) {
      double[] z = StatisticsTest.eval("standardize(x0, x1, x2)", parties, x, mu, sdq);
      for (int k = 0; k < z.length; k++) {
        double exact = (x[k] - mu[k % d]) / sdq[k % d];
        assertThat(z[k]).as("element %d with %d parties (seed %d)", k, parties, seed).isCloseTo(exact, offset(2e-4 * Math.abs(exact) + 1e-3));
      }
    }
  }
}
