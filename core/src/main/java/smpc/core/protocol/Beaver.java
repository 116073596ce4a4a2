package smpc.core.protocol;

import static smpc.core.Errors.invalid;

import smpc.core.ring.Packing;

/**
 * Beaver multiplication of additively shared vectors (Beaver, CRYPTO 1991) with PRG-seeded dealer
 * triples: open d = x − a and e = y − b together, then z = c + d·b + e·a (+ d·e on the designated party).
 * A square x·x takes a square pair (a, c = a²) instead and opens d = x − a alone: x² = c + 2d·a (+ d²), one
 * word per element instead of two (MP-SPDZ's square tuples). One MUL step opens all of its d and e in one
 * message, so squares cost no extra round.
 */
final class Beaver {
  private Beaver() {}

  /** Whether pair k of a MUL step is a square: its two operands are one register. */
  static boolean isSquare(smpc.proto.Instr in, int k) {
    return in.getSrc(2 * k) == in.getSrc(2 * k + 1);
  }

  /** Words each party sends every peer for a step of n products and m squares: d and e, or d. */
  static long openedWords(long products, long squares) {
    return 2 * products + squares;
  }

  /** The products xs[k]·ys[k] of one MUL step, squares where {@code square[k]} (then ys[k] is xs[k]). */
  static long[][] multiply(SessionView s, String tag, long[][] xs, long[][] ys, boolean[] square) {
    long[] x = joined(xs, square, false), y = joined(ys, square, false), q = joined(xs, square, true);
    int n = x.length, m = q.length;
    // what a peer accepts in one message (PeerService.MAX_MESSAGE): 2^26 products, as before squares
    if (2L * n + m > 2L * Limits.MAX_LENGTH) throw invalid("one MUL step opens %d elements, more than %d", 2L * n + m, 2L * Limits.MAX_LENGTH);
    boolean designated = s.designated();
    long[] a = null, b = null, c = null, qa = null, qc = null;
    long tripleStart = 0, squareStart = 0;
    if (n > 0) {
      tripleStart = s.take(Material.TRIPLE, n);
      long[][] abc = Streams.tripleShares(s.dealer().seed(), designated, tripleStart, n);
      a = abc[0];
      b = abc[1];
      c = abc[2]; // the designated party's is the dealer's correction, fetched after the opening
    }
    if (m > 0) {
      squareStart = s.take(Material.SQUARE, m);
      long[][] ac = Streams.squareShares(s.dealer().seed(), designated, squareStart, m);
      qa = ac[0];
      qc = ac[1];
    }
    byte[] mine = Packing.allocate(2 * n + m); // d and e, then the squares' d, masked a block at a time into the message
    masked(mine, 0, x, a);
    masked(mine, n, y, b);
    masked(mine, 2 * n, q, qa);
    long[] de = s.openPacked(tag, mine, false);
    // the designated party's c comes from the dealer, and the product needs it, the opening not: asked for only now, the
    // opening leaves without waiting for the dealer, whose round trip then overlaps the opening's (over a wide-area
    // link, one link delay less in a session's first multiplication)
    if (designated && n > 0) c = s.dealer().corrections(Material.TRIPLE, tripleStart, n)[0];
    if (designated && m > 0) qc = s.dealer().corrections(Material.SQUARE, squareStart, m)[0];
    for (int i = 0; i < n; i++) { // a's own array (fresh from the PRG) takes the product: a[i] is read before it is written
      long d = de[i], e = de[n + i];
      a[i] = c[i] + d * b[i] + e * a[i] + (designated ? d * e : 0);
    }
    for (int i = 0; i < m; i++) {
      long d = de[2 * n + i];
      qa[i] = qc[i] + 2 * d * qa[i] + (designated ? d * d : 0);
    }
    return split(xs, square, a, qa);
  }

  private static void masked(byte[] out, int at, long[] x, long[] mask) {
    long[] block = new long[Math.min(Packing.BLOCK, Math.max(1, x.length))];
    for (int i0 = 0; i0 < x.length; i0 += block.length) {
      int len = Math.min(block.length, x.length - i0);
      for (int k = 0; k < len; k++) block[k] = x[i0 + k] - mask[i0 + k];
      Packing.put(out, at + i0, block, len);
    }
  }

  /** All vectors one after the other: a batch of operations is one vector operation, one message. */
  static long[] flatten(long[][] xs) {
    return joined(xs, new boolean[xs.length], false);
  }

  /** The parts that are (or are not) squares, end to end; the part itself when it is the only one. */
  static long[] joined(long[][] parts, boolean[] square, boolean squares) {
    long total = 0;
    int count = 0, only = -1;
    for (int k = 0; k < parts.length; k++) {
      if (square[k] != squares) continue;
      total += parts[k].length;
      count++;
      only = k;
    }
    if (count == 1) return parts[only]; // registers are never changed in place
    if (total > Limits.MAX_LENGTH) throw invalid("one step of %d elements exceeds %d", total, Limits.MAX_LENGTH);
    long[] out = new long[(int) total];
    int off = 0;
    for (int k = 0; k < parts.length; k++) {
      if (square[k] != squares) continue;
      System.arraycopy(parts[k], 0, out, off, parts[k].length);
      off += parts[k].length;
    }
    return out;
  }

  /** Each pair's result, from the products' and the squares' results in step order (squares may be null if none). */
  static long[][] split(long[][] like, boolean[] square, long[] products, long[] squares) {
    long[][] out = new long[like.length][];
    int[] off = new int[2];
    int[] count = new int[2];
    for (boolean sq : square) count[sq ? 1 : 0]++;
    for (int k = 0; k < like.length; k++) {
      int w = square[k] ? 1 : 0;
      long[] from = square[k] ? squares : products;
      out[k] = count[w] == 1 && from.length == like[k].length ? from : java.util.Arrays.copyOfRange(from, off[w], off[w] + like[k].length);
      off[w] += like[k].length;
    }
    return out;
  }
}
