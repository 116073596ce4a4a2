package smpc.core.psi;

/**
 * Arithmetic modulo the Mersenne prime p = 2^61 − 1 and polynomials over it, for the dealer-assisted alignment's
 * programmed polynomials ({@link DealerPsi}): a field, so that m points define exactly one polynomial of degree
 * below m, and a Mersenne prime, so that reducing a 122-bit product is two shifts and an add.
 */
final class Gf61 {
  static final long P = (1L << 61) - 1;

  private Gf61() {}

  /** Any 64-bit word, read as unsigned, reduced into [0, p) (bias 2^-58: 8 words of 2^64 map twice). */
  static long reduce(long v) {
    long r = (v & P) + (v >>> 61);
    return r >= P ? r - P : r;
  }

  static long add(long a, long b) {
    long r = a + b;
    return r >= P ? r - P : r;
  }

  static long sub(long a, long b) {
    long r = a - b;
    return r < 0 ? r + P : r;
  }

  static long mul(long a, long b) {
    long lo = a * b;
    long hi = Math.multiplyHigh(a, b); // a, b < 2^61: the product has < 122 bits
    long r = (lo & P) + ((lo >>> 61) | (hi << 3));
    return r >= P ? r - P : r;
  }

  /** a^(p−2) = a^-1 (Fermat); a must not be 0. */
  static long inverse(long a) {
    if (a == 0) throw new ArithmeticException("0 has no inverse");
    long result = 1, base = a;
    for (long e = P - 2; e != 0; e >>>= 1) {
      if ((e & 1) != 0) result = mul(result, base);
      base = mul(base, base);
    }
    return result;
  }

  /** c[off] + c[off+1]·x + ... + c[off+len−1]·x^(len−1), by Horner's rule. */
  static long evaluate(long[] c, int off, int len, long x) {
    return evaluate(java.nio.LongBuffer.wrap(c), off, len, x);
  }

  /** As above, reading the coefficients where they arrived (a message's bytes), without a copy. */
  static long evaluate(java.nio.LongBuffer c, int off, int len, long x) {
    long r = 0;
    for (int k = off + len - 1; k >= off; k--) r = add(mul(r, x), c.get(k));
    return r;
  }

  /**
   * The coefficients (lowest first) of the one polynomial of degree below m through (xs[k], ys[k]), k < m, written to
   * {@code out[off..off+m)}: Lagrange's form, L(X) = Σ y_k · M(X) / ((X − x_k) · M'(x_k)) with M = Π (X − x_k), in
   * O(m²) operations and m inversions. The x's must be distinct.
   */
  static void interpolate(long[] xs, long[] ys, int m, long[] out, int off) {
    long[] master = new long[m + 1]; // M(X), lowest coefficient first
    master[0] = 1;
    for (int k = 0; k < m; k++) { // multiply by (X − x_k)
      long neg = sub(0, xs[k]);
      for (int d = k + 1; d > 0; d--) master[d] = add(master[d - 1], mul(master[d], neg));
      master[0] = mul(master[0], neg);
    }
    long[] q = new long[m];
    java.util.Arrays.fill(out, off, off + m, 0);
    for (int k = 0; k < m; k++) {
      // q = M / (X − x_k) by synthetic division from the top, and q(x_k) = M'(x_k)
      q[m - 1] = master[m];
      for (int d = m - 1; d > 0; d--) q[d - 1] = add(master[d], mul(q[d], xs[k]));
      long denominator = evaluate(q, 0, m, xs[k]);
      if (denominator == 0) throw new IllegalArgumentException("interpolation points are not distinct");
      long w = mul(ys[k], inverse(denominator));
      for (int d = 0; d < m; d++) out[off + d] = add(out[off + d], mul(w, q[d]));
    }
  }
}
