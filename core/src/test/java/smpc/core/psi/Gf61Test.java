package smpc.core.psi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The field and its polynomials against BigInteger arithmetic, on seeded random values (the seed is in each message). */
class Gf61Test {
  private static final BigInteger P = BigInteger.valueOf(Gf61.P);

  @Test
  void arithmeticMatchesBigIntegers() {
    long seed = 61;
    Random rnd = new Random(seed);
    for (int k = 0; k < 20_000; k++) {
      long w = rnd.nextLong(), a = Gf61.reduce(rnd.nextLong()), b = Gf61.reduce(rnd.nextLong());
      assertEquals(new BigInteger(Long.toUnsignedString(w)).mod(P).longValue(), Gf61.reduce(w), "seed " + seed);
      assertEquals(BigInteger.valueOf(a).multiply(BigInteger.valueOf(b)).mod(P).longValue(), Gf61.mul(a, b), "seed " + seed);
      assertEquals(BigInteger.valueOf(a).add(BigInteger.valueOf(b)).mod(P).longValue(), Gf61.add(a, b), "seed " + seed);
      assertEquals(BigInteger.valueOf(a).subtract(BigInteger.valueOf(b)).mod(P).longValue(), Gf61.sub(a, b), "seed " + seed);
      if (a != 0) assertEquals(1, Gf61.mul(a, Gf61.inverse(a)), "seed " + seed);
    }
    assertEquals(Gf61.P - 1, Gf61.mul(Gf61.P - 1, 1));
    assertEquals(0, Gf61.reduce(Gf61.P));
    assertThrows(ArithmeticException.class, () -> Gf61.inverse(0));
  }

  /** The interpolated polynomial passes through every point, and has the degree asked for (the m-th point decides it). */
  @Test
  void interpolationPassesThroughItsPoints() {
    long seed = 62;
    Random rnd = new Random(seed);
    for (int m : new int[] {1, 2, 3, 17, 64}) {
      long[] xs = new long[m], ys = new long[m], c = new long[m + 3];
      for (int k = 0; k < m; k++) {
        xs[k] = Gf61.reduce(rnd.nextLong());
        ys[k] = Gf61.reduce(rnd.nextLong());
      }
      Gf61.interpolate(xs, ys, m, c, 3);
      for (int k = 0; k < m; k++) assertEquals(ys[k], Gf61.evaluate(c, 3, m, xs[k]), "m " + m + ", seed " + seed);
      // against BigInteger Lagrange at a fresh point
      long x = Gf61.reduce(rnd.nextLong());
      BigInteger want = BigInteger.ZERO;
      for (int k = 0; k < m; k++) {
        BigInteger term = BigInteger.valueOf(ys[k]);
        for (int j = 0; j < m; j++) {
          if (j == k) continue;
          BigInteger num = BigInteger.valueOf(x).subtract(BigInteger.valueOf(xs[j]));
          BigInteger den = BigInteger.valueOf(xs[k]).subtract(BigInteger.valueOf(xs[j]));
          term = term.multiply(num).multiply(den.modInverse(P)).mod(P);
        }
        want = want.add(term).mod(P);
      }
      assertEquals(want.longValue(), Gf61.evaluate(c, 3, m, x), "m " + m + ", seed " + seed);
    }
    assertThrows(IllegalArgumentException.class, () -> Gf61.interpolate(new long[] {5, 5}, new long[] {1, 2}, 2, new long[2], 0));
  }
}
