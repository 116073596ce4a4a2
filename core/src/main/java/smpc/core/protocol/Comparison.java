package smpc.core.protocol;

/**
 * Exact comparison with zero in 8 rounds for a whole vector (Escudero et al., CRYPTO 2020, with a
 * Kogge-Stone carry circuit on packed 64-bit words). With an edaBit r (additive shares of r and XOR
 * shares of its bits) the parties open c = x + r, uniform. Then x = c - r, computed bitwise: the borrow
 * into bit 63 is a prefix over generate = ~c & r and propagate = ~(c ^ r) (local, c is public), six
 * levels of word ANDs with binary Beaver triples. x < 0 is c63 ^ r63 ^ borrow; x == 0 is "every bit of c
 * equals r's". The XOR-shared bit becomes an additive 0/1 share with a daBit. Exact for every x in Z_2^64.
 */
final class Comparison {
  /** Open x + r, six Kogge-Stone levels, one daBit conversion. */
  static final int ROUNDS = 8;
  /** AND triples per compared element: two word ANDs per level, six levels. */
  static final int ANDS = 12;

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
   * bits 0..i and bit i of P says bits 0..i of c and r are all equal. Six levels of word ANDs.
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
      long[] u = new long[2 * n], v = new long[2 * n];
      for (int t = 0; t < n; t++) {
        u[t] = p[t];
        v[t] = g[t] << d;
        u[n + t] = p[t];
        v[n + t] = p[t] << d;
      }
      long[] z = and(s, "a" + d + "/" + tag, u, v);
      for (int t = 0; t < n; t++) {
        g[t] ^= z[t];
        p[t] = z[n + t];
      }
    }
    return new long[][] {g, p};
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
