package smpc.core.protocol;

import smpc.core.ring.Packing;

/**
 * Truncation x / 2^f (f any of 1..62, per the plan's schedule) in one round with a dealer pair (r, r >>> f, msb(r)), r uniform.
 * With x' = x + 2^62 in [0, 2^63) the parties open c = x' + r (uniform, so it hides x); the wrap-around
 * of that sum happened exactly when msb(r) = 1 and msb(c) = 0, a linear function of the shared msb(r).
 * Then x' >>> f = (c >>> f) - (r >>> f) + wrap * 2^(64-f) - borrow, where the dropped borrow (0 or 1)
 * makes the rounding stochastic and unbiased: the error is below one unit of 2^-f for every x with
 * |x| < 2^62 (no probabilistic large failure, unlike plain share-wise truncation).
 */
final class Truncation {
  private Truncation() {}

  /** Words each party sends every peer for n elements: c. */
  static long openedWords(long n) {
    return n;
  }

  static long[] truncate(SessionView s, String tag, long[] x, int f) {
    int n = x.length;
    boolean designated = s.designated();
    long start = s.take(Material.TRUNC_PAIR, n);
    long[][] pair = Streams.truncShares(s.dealer().seed(), designated, start, n);
    long[] r = pair[0], hi = pair[1], msb = pair[2]; // the designated party's hi and msb: the dealer's, after the opening
    long offset = designated ? 1L << 62 : 0;
    byte[] masked = Packing.allocate(n);
    long[] block = new long[Math.min(Packing.BLOCK, n)];
    for (int i0 = 0; i0 < n; i0 += block.length) {
      int len = Math.min(block.length, n - i0);
      for (int k = 0; k < len; k++) block[k] = x[i0 + k] + offset + r[i0 + k];
      Packing.put(masked, i0, block, len);
    }
    long[] c = s.openPacked(tag, masked, false);
    if (designated) { // asked for only now, as Beaver's c: the opening leaves without waiting for the dealer
      long[][] corr = s.dealer().corrections(Material.TRUNC_PAIR, start, n);
      hi = corr[0];
      msb = corr[1];
    }
    long unoffset = designated ? 1L << (62 - f) : 0;
    long[] z = new long[n];
    for (int i = 0; i < n; i++) {
      long wrap = c[i] < 0 ? 0 : msb[i]; // msb(c) = 0 and msb(r) = 1
      z[i] = (designated ? c[i] >>> f : 0) - hi[i] + (wrap << (64 - f)) - unoffset;
    }
    return z;
  }
}
