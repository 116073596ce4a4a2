package smpc.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import smpc.core.testing.Seeded;

/**
 * The protocol suite's products whose left factors share one mask (the features of a training: row
 * batches, their transposes and the whole matrix), run by 2, 3 and 5 parties through each harness: exact
 * for integers, within one unit of 2^-f for reals, as when every product has a triple of its own.
 */
public abstract class SharedMaskSuite extends ProtocolSuite {
  @Seeded(value = 1, parties = {2, 3, 5})
  void productsOfViewsOfOneMaskedValueAreExact(int n, long seed) {
    Random rnd = new Random(seed);
    long[] x = longs(rnd, 18), w = longs(rnd, 3), e = longs(rnd, 2), v = longs(rnd, 6);
    List<Opened> got = reveal(n, n - 1, List.of("rows(x0, 0, 2) @ x1", "transpose(rows(x0, 2, 2)) @ x2", "x0 @ x1",
        "transpose(x0) @ x3", "rows(x0, 4, 2) @ (x1 * x1)"), new Matrix(x, 3), w, e, v);
    long[] xt = transpose(x, 6, 3), ww = new long[3];
    for (int j = 0; j < 3; j++) ww[j] = w[j] * w[j];
    assertThat(got.get(0).raw()).containsExactly(product(Arrays.copyOfRange(x, 0, 6), w, 2, 3, 1));
    assertThat(got.get(1).raw()).containsExactly(product(transpose(Arrays.copyOfRange(x, 6, 12), 2, 3), e, 3, 2, 1));
    assertThat(got.get(2).raw()).containsExactly(product(x, w, 6, 3, 1));
    assertThat(got.get(3).raw()).containsExactly(product(xt, v, 3, 6, 1));
    assertThat(got.get(4).raw()).containsExactly(product(Arrays.copyOfRange(x, 12, 18), ww, 2, 3, 1));

    double[] a = new double[20 * 4], b = new double[4], c = new double[5];
    for (int i = 0; i < a.length; i++) a[i] = enc((rnd.nextDouble() * 2 - 1) * Math.pow(10, rnd.nextInt(3)));
    for (int i = 0; i < b.length; i++) b[i] = enc(rnd.nextDouble() * 4 - 2);
    for (int i = 0; i < c.length; i++) c[i] = enc(rnd.nextDouble() * 4 - 2);
    List<Opened> reals = reveal(n, 0, List.of("x0 @ x1", "transpose(rows(x0, 10, 5)) @ x2"), new Matrix(a, 4), b, c);
    double[] z = reals.get(0).reals(), g = reals.get(1).reals();
    for (int i = 0; i < 20; i++) {
      double want = 0;
      for (int l = 0; l < 4; l++) want += a[4 * i + l] * b[l];
      assertThat(z[i]).as("row %d", i).isCloseTo(want, offset(ULP));
    }
    for (int j = 0; j < 4; j++) {
      double want = 0;
      for (int l = 0; l < 5; l++) want += a[4 * (10 + l) + j] * c[l];
      assertThat(g[j]).as("gradient %d", j).isCloseTo(want, offset(ULP));
    }
  }
}
