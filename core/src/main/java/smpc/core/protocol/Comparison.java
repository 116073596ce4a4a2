package smpc.core.protocol;

import smpc.core.ring.Packing;

/**
 * Exact comparison with zero in 8 rounds for a whole vector (Escudero et al., CRYPTO 2020, with a
 * carry circuit on packed 64-bit words). With an edaBit r (additive shares of r and XOR shares of its
 * bits) the parties open c = x + r, uniform. Then x = c - r, computed bitwise from generate = ~c & r and
 * propagate = ~(c ^ r) (local, c is public). Only the borrow into bit 63 is needed, not every prefix, so
 * {@link #topBorrow} runs a six-level tree of word ANDs with binary Beaver triples (both ANDs of a level
 * share P_hi, so one "AND pair" triple serves them), halving the bits per element at each level and
 * packing them densely: about 3 opened words per element in all. x < 0 is c63 ^ r63 ^ borrow;
 * x == 0 is "every bit of c equals r's". The XOR-shared bit, 64 to an opened word, becomes an additive
 * 0/1 share with a daBit. Exact for every x in Z_2^64. NORM, which needs every bit's borrow, uses the
 * full Kogge-Stone prefix instead ({@link #borrows}: six levels of 3 words per element).
 */
final class Comparison {
  /** Open x + r, the six levels of the borrow tree, one daBit conversion. */
  static final int ROUNDS = 8;
  /** AND pairs per element of {@link #borrows} (NORM's full prefix): one per level (p AND g<<d, p AND p<<d), six levels. */
  static final int AND_PAIRS = 6;

  private Comparison() {}

  /** [x_t < 0] where ltz[t], else [x_t == 0], as additive 0/1 shares. */
  static long[] compare(SessionView s, String tag, long[] x, boolean[] ltz) {
    int n = x.length;
    boolean designated = s.designated();
    long start = s.take(Material.COMPARE, n);
    long[][] bits = Streams.bitsShares(s.dealer().seed(), designated, start, n);
    long[] ra = bits[0], rb = bits[1], bb = bits[2], ba = bits[3]; // the designated party's rb, bb, ba: the dealer's, after the opening
    byte[] masked = Packing.allocate(n);
    long[] block = new long[Math.min(Packing.BLOCK, n)];
    for (int i0 = 0; i0 < n; i0 += block.length) {
      int len = Math.min(block.length, n - i0);
      for (int k = 0; k < len; k++) block[k] = x[i0 + k] + ra[i0 + k];
      Packing.put(masked, i0, block, len);
    }
    long[] c = s.openPacked("c/" + tag, masked, false);
    if (designated) { // asked for only now, as Beaver's c: the opening of x + r leaves without waiting for the dealer
      long[][] corr = s.dealer().corrections(Material.COMPARE, start, n);
      rb = corr[0];
      bb = corr[1];
      ba = corr[2];
    }
    // generate and propagate; for x < 0 the borrow into bit 63 is wanted, out of 63 bits: they move up one
    // position above a neutral bit 0 (generate 0, propagate 1), so that the 64-bit tree's top yields it
    long[] g = new long[n], p = new long[n];
    long one = designated ? 1 : 0;
    for (int t = 0; t < n; t++) {
      long gt = ~c[t] & rb[t], pt = designated ? ~c[t] ^ rb[t] : rb[t];
      if (ltz[t]) {
        gt <<= 1;
        pt = (pt << 1) | one;
      }
      g[t] = gt;
      p[t] = pt;
    }
    long[][] top = topBorrow(s, tag, g, p);
    long[] gTop = top[0], pTop = top[1];
    long[] e = new long[(n + 63) >>> 6]; // one bit per element, 64 to a word
    for (int t = 0; t < n; t++) {
      long sel = ltz[t] ? (designated ? c[t] >>> 63 : 0) ^ (rb[t] >>> 63) ^ (gTop[t >>> 6] >>> t) : pTop[t >>> 6] >>> t;
      e[t >>> 6] |= ((sel ^ bb[t]) & 1) << t;
    }
    e = s.open("e/" + tag, e, true); // bit ^ b, with b the daBit
    long[] z = new long[n];
    for (int t = 0; t < n; t++) {
      long et = (e[t >>> 6] >>> t) & 1;
      z[t] = (designated ? et : 0) + (1 - 2 * et) * ba[t]; // e + [b] - 2e[b]
    }
    return z;
  }

  /** Words each party sends every peer for n elements: x + r, three per AND pair of the tree, the daBit-masked bits 64 to a word. */
  static long openedWords(long n) {
    return n + 3 * andPairs(n) + (n + 63) / 64;
  }

  /** AND pairs {@link #topBorrow} takes for n elements: one per output word of each of its six levels. */
  static long andPairs(long n) {
    long total = 0;
    for (int level = 0; level < 6; level++) {
      n = (n + 1) / 2;
      total += n;
    }
    return total;
  }

  /**
   * The borrow out of all 64 bits and "all 64 bits equal" of every element, from XOR-shared generate g and
   * propagate p (one word per element): a tree of six levels (Brent-Kung's up-sweep), not a full prefix,
   * since only the top is wanted. Each level pairs neighbouring bit positions (hi = odd, lo = even):
   * G = G_hi ^ (P_hi & G_lo), P = P_hi & P_lo, one AND pair with x = P_hi; halving the bits per element, it
   * packs the halves of two words into one, so level k opens 3 words per 2^k elements (about 3 words per
   * element in all, against 18 for six Kogge-Stone levels). Returns {G, P} with element t's bit at bit
   * t % 64 of word t / 64.
   */
  static long[][] topBorrow(SessionView s, String tag, long[] g, long[] p) {
    for (int level = 0, d = 1; level < 6; level++, d <<= 1) {
      int m = g.length, half = (m + 1) >>> 1;
      long[] ph = new long[half], gl = new long[half], pl = new long[half], gh = new long[half];
      for (int i = 0; i < half; i++) {
        int lo = 2 * i, hi = lo + 1;
        long g0 = g[lo], p0 = p[lo], g1 = hi < m ? g[hi] : 0, p1 = hi < m ? p[hi] : 0;
        ph[i] = even(p0 >>> 1) | even(p1 >>> 1) << 32;
        gh[i] = even(g0 >>> 1) | even(g1 >>> 1) << 32;
        gl[i] = even(g0) | even(g1) << 32;
        pl[i] = even(p0) | even(p1) << 32;
      }
      long[][] z = andPair(s, "a" + d + "/" + tag, ph, gl, pl);
      long[] z1 = z[0];
      for (int i = 0; i < half; i++) gh[i] ^= z1[i];
      g = gh;
      p = z[1];
    }
    return new long[][] {g, p};
  }

  /** The 32 even-position bits of w, in order, in the low half of the result (the high half zero). */
  static long even(long w) {
    w &= 0x5555555555555555L;
    w = (w | (w >>> 1)) & 0x3333333333333333L;
    w = (w | (w >>> 2)) & 0x0F0F0F0F0F0F0F0FL;
    w = (w | (w >>> 4)) & 0x00FF00FF00FF00FFL;
    w = (w | (w >>> 8)) & 0x0000FFFF0000FFFFL;
    return (w | (w >>> 16)) & 0x00000000FFFFFFFFL;
  }

  /**
   * For x = c - r with c public and r XOR-shared in rb: {G, P} where bit i of G is the borrow out of
   * bits 0..i and bit i of P says bits 0..i of c and r are all equal. A Kogge-Stone prefix: six levels
   * of paired word ANDs over whole words.
   */
  static long[][] borrows(SessionView s, String tag, long[] c, long[] rb) {
    int n = c.length;
    boolean designated = s.designated();
    long[] g = new long[n], p = new long[n];
    for (int t = 0; t < n; t++) {
      g[t] = ~c[t] & rb[t];
      p[t] = designated ? ~c[t] ^ rb[t] : rb[t];
    }
    // G_i becomes the borrow out of bits 0..i, P_i "bits 0..i all equal"
    for (int d = 1; d < 64; d <<= 1) {
      long[] v1 = new long[n], v2 = new long[n];
      for (int t = 0; t < n; t++) {
        v1[t] = g[t] << d;
        v2[t] = p[t] << d;
      }
      long[][] z = andPair(s, "a" + d + "/" + tag, p, v1, v2);
      for (int t = 0; t < n; t++) g[t] ^= z[0][t];
      p = z[1];
    }
    return new long[][] {g, p};
  }

  /**
   * {u AND v1, u AND v2} of XOR-shared words in one round with AND pairs (a, b1, b2, a&b1, a&b2): u ^ a is
   * opened once for both, each opened word masked by its own fresh uniform word.
   */
  static long[][] andPair(SessionView s, String tag, long[] u, long[] v1, long[] v2) {
    int n = u.length;
    boolean designated = s.designated();
    long start = s.take(Material.AND_PAIR, n);
    long[][] m = Streams.andPairShares(s.dealer().seed(), designated, start, n);
    long[] a = m[0], b1 = m[1], b2 = m[2], c1 = m[3], c2 = m[4]; // the designated party's c1, c2: the dealer's, after the opening
    byte[] mine = Packing.allocate(3 * n);
    long[] block = new long[Math.min(Packing.BLOCK, n)];
    for (int i0 = 0; i0 < n; i0 += block.length) {
      int len = Math.min(block.length, n - i0);
      for (int k = 0; k < len; k++) block[k] = u[i0 + k] ^ a[i0 + k];
      Packing.put(mine, i0, block, len);
      for (int k = 0; k < len; k++) block[k] = v1[i0 + k] ^ b1[i0 + k];
      Packing.put(mine, n + i0, block, len);
      for (int k = 0; k < len; k++) block[k] = v2[i0 + k] ^ b2[i0 + k];
      Packing.put(mine, 2 * n + i0, block, len);
    }
    long[] de = s.openPacked(tag, mine, true);
    if (designated) {
      long[][] corr = s.dealer().corrections(Material.AND_PAIR, start, n);
      c1 = corr[0];
      c2 = corr[1];
    }
    long[] z1 = b1, z2 = b2; // the PRG's fresh arrays take the results: b1[t], b2[t] are read before written
    for (int t = 0; t < n; t++) {
      long d = de[t], e1 = de[n + t], e2 = de[2 * n + t];
      z1[t] = c1[t] ^ (d & b1[t]) ^ (e1 & a[t]) ^ (designated ? d & e1 : 0);
      z2[t] = c2[t] ^ (d & b2[t]) ^ (e2 & a[t]) ^ (designated ? d & e2 : 0);
    }
    return new long[][] {z1, z2};
  }

  /** Word ANDs of XOR-shared u and v with binary Beaver triples, all in one round. */
  static long[] and(SessionView s, String tag, long[] u, long[] v) {
    int n = u.length;
    boolean designated = s.designated();
    long start = s.take(Material.AND_TRIPLE, n);
    long[][] abc = Streams.andShares(s.dealer().seed(), designated, start, n);
    long[] a = abc[0], b = abc[1], c = abc[2];
    long[] de = new long[2 * n];
    for (int t = 0; t < n; t++) {
      de[t] = u[t] ^ a[t];
      de[n + t] = v[t] ^ b[t];
    }
    de = s.open(tag, de, true);
    if (designated) c = s.dealer().corrections(Material.AND_TRIPLE, start, n)[0]; // after the opening, as Beaver's c
    long[] z = new long[n];
    for (int t = 0; t < n; t++) {
      long d = de[t], e = de[n + t];
      z[t] = c[t] ^ (d & b[t]) ^ (e & a[t]) ^ (designated ? d & e : 0);
    }
    return z;
  }
}
