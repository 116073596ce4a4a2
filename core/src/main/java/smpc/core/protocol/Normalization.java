package smpc.core.protocol;

/**
 * The position of the highest set bit of |x| as a secret one-hot vector, plus [x < 0], all as additive
 * 0/1 shares: what reciprocal, sqrt and log need to bring any input into [0.5, 1) first. Bit
 * decomposition as in {@link Comparison} (open x + r for an edaBit r; the Kogge-Stone borrows give every
 * bit of x = c - r at once), then a prefix OR from the top (one word AND per level), the one-hot is
 * o ^ (o >>> 1), and each of its bits becomes additive with a standalone daBit: all the bits of one
 * element travel in one opened word.
 */
final class Normalization {
  private Normalization() {}

  static int orLevels(int bits) {
    return 32 - Integer.numberOfLeadingZeros(bits - 1);
  }

  /** Open c, six borrow levels, the OR levels, one daBit conversion. */
  static int rounds(int bits) {
    return 1 + 6 + orLevels(bits) + 1;
  }

  /** Words each party sends every peer for n elements: x + r, three per AND pair of the borrows, two per AND, the masked bits. */
  static long openedWords(long n, int bits) {
    return n + 3L * Comparison.AND_PAIRS * n + 2L * ands(bits) * n + n;
  }

  /** Single word AND triples per element, one per OR level (the borrows take Comparison.AND_PAIRS pairs). */
  static int ands(int bits) {
    return orLevels(bits);
  }

  /** {@link #onehot} of several vectors at once (one batch, the same rounds): each one's, bits + 1 words per element. */
  static long[][] onehots(SessionView s, String tag, long[][] xs, int bits) {
    long[] x = Beaver.flatten(xs);
    if ((long) x.length * (bits + 1) > Limits.MAX_LENGTH) {
      throw smpc.core.Errors.invalid("NORM of %d elements over %d bits exceeds %d", x.length, bits, Limits.MAX_LENGTH);
    }
    long[] z = onehot(s, tag, x, bits);
    long[][] out = new long[xs.length][];
    int off = 0;
    for (int k = 0; k < xs.length; k++) {
      out[k] = java.util.Arrays.copyOfRange(z, off, off + xs[k].length * (bits + 1));
      off += out[k].length;
    }
    return out;
  }

  /** For each x (|x| < 2^bits): bits + 1 shares, the one-hot of msb(|x|) (of ~x when x < 0), then [x < 0]. */
  static long[] onehot(SessionView s, String tag, long[] x, int bits) {
    int n = x.length, m = bits + 1;
    boolean designated = s.designated();
    long start = s.take(Material.COMPARE, n);
    long[][] eda = Streams.bitsShares(s.dealer().seed(), designated, start, n);
    long[] ra = eda[0];
    long[] c = new long[n];
    for (int t = 0; t < n; t++) c[t] = x[t] + ra[t];
    c = s.open("c/" + tag, c, false);
    long[] rb = designated ? s.dealer().corrections(Material.COMPARE, start, n)[0] : eda[1]; // after the opening, as Beaver's c
    long[] g = Comparison.borrows(s, tag, c, rb)[0];
    long mask = (1L << bits) - 1;
    long[] o = new long[n], sign = new long[n];
    for (int t = 0; t < n; t++) {
      long xb = (designated ? c[t] : 0) ^ rb[t] ^ (g[t] << 1); // bit i: c_i ^ r_i ^ borrow into i
      o[t] = (xb ^ (xb >> 63)) & mask; // each party extends its share of the sign: ~x when x < 0
      sign[t] = xb >>> 63;
    }
    for (int d = 1; d < bits; d <<= 1) { // o_i = OR of bits i.. of |x|
      long[] v = new long[n];
      for (int t = 0; t < n; t++) v[t] = o[t] >>> d;
      long[] z = Comparison.and(s, "o" + d + "/" + tag, o, v);
      for (int t = 0; t < n; t++) o[t] ^= v[t] ^ z[t];
    }
    long dstart = s.take(Material.DABIT, n * m);
    long[][] db = designated ? s.dealer().corrections(Material.DABIT, dstart, n * m)
        : Streams.dabitShares(s.dealer().seed(), false, dstart, n * m);
    long[] bb = db[0], ba = db[1];
    long[] e = new long[n];
    for (int t = 0; t < n; t++) {
      long word = ((o[t] ^ (o[t] >>> 1)) & mask) | (sign[t] << bits); // AND shares carry random high bits
      for (int i = 0; i < m; i++) word ^= bb[t * m + i] << i;
      e[t] = word;
    }
    e = s.open("n/" + tag, e, true);
    long[] z = new long[n * m];
    for (int t = 0; t < n; t++) {
      for (int i = 0; i < m; i++) {
        long ei = (e[t] >>> i) & 1;
        z[t * m + i] = (designated ? ei : 0) + (1 - 2 * ei) * ba[t * m + i]; // e + [b] - 2e[b]
      }
    }
    return z;
  }
}
