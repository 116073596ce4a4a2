package smpc.core.protocol;

/**
 * Exact comparison with zero in 8 rounds for a whole vector (Escudero et al., CRYPTO 2020, with a
 * Kogge-Stone carry circuit on packed 64-bit words). With an edaBit r (additive shares of r and XOR
 * shares of its bits) the parties open c = x + r, uniform. Then x = c - r, computed bitwise: the borrow
 * into bit 63 is a prefix over generate = ~c & r and propagate = ~(c ^ r) (local, c is public), six
 * levels of word ANDs with binary Beaver triples (both ANDs of a level share p, so one "AND pair" triple
 * serves them: 3 opened words per element and level, not 4). x < 0 is c63 ^ r63 ^ borrow; x == 0 is "every bit of c
 * equals r's". The XOR-shared bit becomes an additive 0/1 share with a daBit. Exact for every x in Z_2^64.
 */
final class Comparison {
  /** Open x + r, six Kogge-Stone levels, one daBit conversion. */
  static final int ROUNDS = 8;
  /** AND pairs per compared element: one per level (p AND g<<d, p AND p<<d), six levels. */
  static final int AND_PAIRS = 6;

  private Comparison() {}

  /** [x_t < 0] where ltz[t], else [x_t == 0], as additive 0/1 shares. */
  static long[] compare(SessionView s, String tag, long[] x, boolean[] ltz) {
    int n = x.length;
    boolean designated = s.designated();
    long start = s.take(SessionView.Material.COMPARE, n);
    long[][] bits = Streams.bitsShares(s.dealer().seed(), designated, start, n);
    long[] ra = bits[0], rb = bits[1], bb = bits[2], ba = bits[3];
    if (designated) {
      long[][] corr = s.dealer().bitsCorrections(start, n);
      rb = corr[0];
      bb = corr[1];
      ba = corr[2];
    }
    long[] c = new long[n];
    for (int t = 0; t < n; t++) c[t] = x[t] + ra[t];
    c = s.open("c/" + tag, c, false);
    long[][] gp = borrows(s, tag, c, rb);
    long[] g = gp[0], p = gp[1];
    long[] e = new long[n];
    for (int t = 0; t < n; t++) {
      long bit = ltz[t] ? (designated ? c[t] >>> 63 : 0) ^ (rb[t] >>> 63) ^ (g[t] >>> 62) : p[t] >>> 63;
      e[t] = (bit ^ bb[t]) & 1;
    }
    e = s.open("e/" + tag, e, true); // bit ^ b, with b the daBit
    long[] z = new long[n];
    for (int t = 0; t < n; t++) {
      long et = e[t] & 1;
      z[t] = (designated ? et : 0) + (1 - 2 * et) * ba[t]; // e + [b] - 2e[b]
    }
    return z;
  }

  /**
   * For x = c - r with c public and r XOR-shared in rb: {G, P} where bit i of G is the borrow out of
   * bits 0..i and bit i of P says bits 0..i of c and r are all equal. Six levels of paired word ANDs.
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
    long start = s.take(SessionView.Material.AND_PAIR, n);
    long[][] m = Streams.andPairShares(s.dealer().seed(), designated, start, n);
    long[] a = m[0], b1 = m[1], b2 = m[2], c1 = m[3], c2 = m[4];
    if (designated) {
      long[][] corr = s.dealer().andPairCorrections(start, n);
      c1 = corr[0];
      c2 = corr[1];
    }
    long[] de = new long[3 * n];
    for (int t = 0; t < n; t++) {
      de[t] = u[t] ^ a[t];
      de[n + t] = v1[t] ^ b1[t];
      de[2 * n + t] = v2[t] ^ b2[t];
    }
    de = s.open(tag, de, true);
    long[] z1 = new long[n], z2 = new long[n];
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
    long start = s.take(SessionView.Material.AND, n);
    long[][] abc = Streams.andShares(s.dealer().seed(), designated, start, n);
    long[] a = abc[0], b = abc[1], c = designated ? s.dealer().andCorrections(start, n) : abc[2];
    long[] de = new long[2 * n];
    for (int t = 0; t < n; t++) {
      de[t] = u[t] ^ a[t];
      de[n + t] = v[t] ^ b[t];
    }
    de = s.open(tag, de, true);
    long[] z = new long[n];
    for (int t = 0; t < n; t++) {
      long d = de[t], e = de[n + t];
      z[t] = c[t] ^ (d & b[t]) ^ (e & a[t]) ^ (designated ? d & e : 0);
    }
    return z;
  }
}
