package smpc.core.protocol;

import smpc.core.ring.Packing;

/**
 * Beaver multiplication of additively shared vectors (Beaver, CRYPTO 1991) with PRG-seeded dealer
 * triples: open d = x − a and e = y − b together, then z = c + d·b + e·a (+ d·e on the designated party).
 */
final class Beaver {
  private Beaver() {}

  /** Words each party sends every peer for n products: d and e. */
  static long openedWords(long n) {
    return 2 * n;
  }

  static long[] multiply(SessionView s, String tag, long[] x, long[] y) {
    int n = x.length;
    boolean designated = s.designated();
    long start = s.take(Material.TRIPLE, n);
    long[][] abc = Streams.tripleShares(s.dealer().seed(), designated, start, n);
    long[] a = abc[0], b = abc[1], c = designated ? s.dealer().corrections(Material.TRIPLE, start, n)[0] : abc[2];
    byte[] mine = Packing.allocate(2 * n); // d and e masked a block at a time straight into the message
    long[] block = new long[Math.min(Packing.BLOCK, n)];
    for (int i0 = 0; i0 < n; i0 += block.length) {
      int len = Math.min(block.length, n - i0);
      for (int k = 0; k < len; k++) block[k] = x[i0 + k] - a[i0 + k];
      Packing.put(mine, i0, block, len);
      for (int k = 0; k < len; k++) block[k] = y[i0 + k] - b[i0 + k];
      Packing.put(mine, n + i0, block, len);
    }
    long[] de = s.openPacked(tag, mine, false);
    long[] z = a; // a's own array (fresh from the PRG) takes the product: a[i] is read before it is written
    for (int i = 0; i < n; i++) {
      long d = de[i], e = de[n + i];
      z[i] = c[i] + d * b[i] + e * a[i] + (designated ? d * e : 0);
    }
    return z;
  }
}
