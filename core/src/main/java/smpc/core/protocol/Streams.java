package smpc.core.protocol;

import smpc.core.ring.Prg;
import smpc.core.ring.Ring;

/**
 * Correlated randomness expanded from per-party PRG seeds (the dealer model of CrypTen's TTP, with
 * MP-SPDZ's one-correction-per-triple trick). Party i expands its shares itself; for the components
 * that must satisfy a relation, party 0 gets the dealer's explicit corrections instead, e.g. for a triple
 * c_0 = (Σa_i)(Σb_i) − Σ_{i≥1} c_i. So the dealer sends, whatever the number of parties, per element:
 * 8 bytes for a triple, a square pair or an AND triple, 16 for a truncation pair, an AND pair or a daBit, and 24 for
 * comparison material (an edaBit's bits and a daBit): {@link Material#correctionWords} ring elements each.
 */
public final class Streams {
  public static final int TRIPLE_A = 1;
  public static final int TRIPLE_B = 2;
  public static final int TRIPLE_C = 3;
  public static final int TRUNC_R = 4;
  public static final int TRUNC_HI = 5;
  public static final int TRUNC_MSB = 6;
  public static final int EDA_A = 7;
  public static final int EDA_B = 8;
  public static final int DA_B = 9;
  public static final int DA_A = 10;
  public static final int AND_A = 11;
  public static final int AND_B = 12;
  public static final int AND_C = 13;
  /** The dealer's own stream (never a party's): the secret bits of daBits. */
  public static final int DA_BIT = 14;
  /** daBits on their own (bit decomposition): the XOR-shared bit and its additive shares. */
  public static final int DB_B = 17;
  public static final int DB_A = 18;
  /** The dealer's own stream: the secret bits of standalone daBits. */
  public static final int DB_BIT = 19;
  /** AND pairs ("one x, two y" AND triples): a, b1, b2, c1 = a&b1, c2 = a&b2. */
  public static final int PAIR_A = 20;
  public static final int PAIR_B1 = 21;
  public static final int PAIR_B2 = 22;
  public static final int PAIR_C1 = 23;
  public static final int PAIR_C2 = 24;
  /** Matrix triples: A, B and C = AB, each at the schedule's offset of its triple. */
  public static final int MAT_A = 25;
  public static final int MAT_B = 26;
  public static final int MAT_C = 27;
  /** Matrix triples' shared masks: mask g at the schedule's offset of its first element. */
  public static final int MAT_MASK = 28;
  /** Square pairs: a and c = a². */
  public static final int SQ_A = 29;
  public static final int SQ_C = 30;
  /** Input sharing: a holder's share is the start of this stream of a seed the owner sends it. */
  public static final int SHARE = 16;

  private Streams() {}

  /**
   * The dealer's corrections of items [start, start+count) of a kind, one array per component
   * ({@code kind.correctionWords} of them), given every party's seed in order, the dealer's own seed and,
   * for truncation pairs the bits each pair drops, for matrix triples their shapes.
   */
  public static long[][] corrections(Material kind, byte[][] seeds, byte[] dealerSeed, TruncSchedule truncation,
      MatrixSchedule matrices, long start, int count) {
    return switch (kind) {
      case TRIPLE -> new long[][] {corrections(seeds, start, count)};
      case TRUNC_PAIR -> truncCorrections(seeds, truncation, start, count);
      case COMPARE -> bitsCorrections(seeds, dealerSeed, start, count);
      case AND_TRIPLE -> new long[][] {andCorrections(seeds, start, count)};
      case DABIT -> dabitCorrections(seeds, dealerSeed, start, count);
      case AND_PAIR -> andPairCorrections(seeds, start, count);
      case MATRIX_TRIPLE -> new long[][] {matrixCorrections(seeds, matrices, start, count)};
      case SQUARE -> new long[][] {squareCorrections(seeds, start, count)};
    };
  }

  /** One party's shares of square pairs [start, start+count): {a, c}; c is null for party 0. */
  public static long[][] squareShares(byte[] seed, boolean designated, long start, int count) {
    Prg prg = new Prg(seed);
    return new long[][] {prg.longs(SQ_A, start, count), designated ? null : prg.longs(SQ_C, start, count)};
  }

  /** The dealer's corrections c_0 = (Σa_i)² − Σ_{i≥1} c_i for square pairs [start, start+count): a triple with b = a. */
  public static long[] squareCorrections(byte[][] seeds, long start, int count) {
    return productCorrections(seeds, SQ_A, SQ_A, SQ_C, start, count);
  }

  /** One party's shares of triples [start, start+count): {a, b, c}; c is null for party 0. */
  public static long[][] tripleShares(byte[] seed, boolean designated, long start, int count) {
    Prg prg = new Prg(seed);
    long[] a = prg.longs(TRIPLE_A, start, count);
    long[] b = prg.longs(TRIPLE_B, start, count);
    long[] c = designated ? null : prg.longs(TRIPLE_C, start, count);
    return new long[][] {a, b, c};
  }

  /** The dealer's corrections c_0 for triples [start, start+count), given every party's seed in order. */
  public static long[] corrections(byte[][] seeds, long start, int count) {
    return productCorrections(seeds, TRIPLE_A, TRIPLE_B, TRIPLE_C, start, count);
  }

  /** c_0 = (Σa_i)(Σb_i) − Σ_{i≥1} c_i with a, b and c from the given streams of every party's seed. */
  private static long[] productCorrections(byte[][] seeds, int aStream, int bStream, int cStream, long start, int count) {
    long[] a = new long[count];
    long[] b = aStream == bStream ? a : new long[count]; // a square pair: b is a, expanded once
    long[] cRest = new long[count];
    long[] tmp = new long[count];
    for (int i = 0; i < seeds.length; i++) {
      Prg prg = new Prg(seeds[i]);
      prg.fill(aStream, start, tmp);
      Ring.addInPlace(a, tmp);
      if (b != a) {
        prg.fill(bStream, start, tmp);
        Ring.addInPlace(b, tmp);
      }
      if (i > 0) {
        prg.fill(cStream, start, tmp);
        Ring.addInPlace(cRest, tmp);
      }
    }
    for (int k = 0; k < count; k++) a[k] = a[k] * b[k] - cRest[k];
    return a;
  }

  /**
   * One party's shares of truncation pairs [start, start+count): {r, r_hi, msb} where r is uniform,
   * r_hi = r >>> f and msb = r >>> 63 (both as ring elements); r_hi and msb are null for party 0,
   * whose shares come from the dealer.
   */
  public static long[][] truncShares(byte[] seed, boolean designated, long start, int count) {
    Prg prg = new Prg(seed);
    long[] r = prg.longs(TRUNC_R, start, count);
    if (designated) return new long[][] {r, null, null};
    return new long[][] {r, prg.longs(TRUNC_HI, start, count), prg.longs(TRUNC_MSB, start, count)};
  }

  /** The dealer's corrections for truncation pairs: party 0's shares {r_hi_0, msb_0}, each pair dropping the schedule's bits. */
  public static long[][] truncCorrections(byte[][] seeds, TruncSchedule schedule, long start, int count) {
    long[] r = new long[count], hi = new long[count], msb = new long[count], tmp = new long[count];
    for (int i = 0; i < seeds.length; i++) {
      Prg prg = new Prg(seeds[i]);
      prg.fill(TRUNC_R, start, tmp);
      Ring.addInPlace(r, tmp);
      if (i > 0) {
        prg.fill(TRUNC_HI, start, tmp);
        Ring.addInPlace(hi, tmp);
        prg.fill(TRUNC_MSB, start, tmp);
        Ring.addInPlace(msb, tmp);
      }
    }
    for (int k = 0; k < count; k++) {
      hi[k] = (r[k] >>> schedule.bitsAt(start + k)) - hi[k];
      msb[k] = (r[k] >>> 63) - msb[k];
    }
    return new long[][] {hi, msb};
  }

  /**
   * One party's shares of comparison material [start, start+count): {r_arith, r_bits, b_bool, b_arith}
   * for an edaBit r (arithmetic shares summing to r, XOR shares of its 64 bits) and a daBit b (a
   * random bit, XOR-shared and additively shared). Party 0's last three come from the dealer (null).
   */
  public static long[][] bitsShares(byte[] seed, boolean designated, long start, int count) {
    Prg prg = new Prg(seed);
    long[] ra = prg.longs(EDA_A, start, count);
    if (designated) return new long[][] {ra, null, null, null};
    long[] bb = prg.longs(DA_B, start, count);
    for (int k = 0; k < count; k++) bb[k] &= 1;
    return new long[][] {ra, prg.longs(EDA_B, start, count), bb, prg.longs(DA_A, start, count)};
  }

  /** Party 0's {r_bits_0, b_bool_0, b_arith_0}; the daBits' bits come from the dealer's own seed. */
  public static long[][] bitsCorrections(byte[][] seeds, byte[] dealerSeed, long start, int count) {
    long[] r = new long[count], rb = new long[count], bb = new long[count], ba = new long[count];
    for (int i = 0; i < seeds.length; i++) {
      long[][] s = bitsShares(seeds[i], false, start, count);
      for (int k = 0; k < count; k++) {
        r[k] += s[0][k];
        if (i > 0) {
          rb[k] ^= s[1][k];
          bb[k] ^= s[2][k];
          ba[k] += s[3][k];
        }
      }
    }
    long[] b = new Prg(dealerSeed).longs(DA_BIT, start, count);
    for (int k = 0; k < count; k++) {
      long bit = b[k] & 1;
      rb[k] ^= r[k];
      bb[k] ^= bit;
      ba[k] = bit - ba[k];
    }
    return new long[][] {rb, bb, ba};
  }

  /** One party's shares of AND triples on 64-bit words: {a, b, c}, c null for party 0. */
  public static long[][] andShares(byte[] seed, boolean designated, long start, int count) {
    Prg prg = new Prg(seed);
    return new long[][] {prg.longs(AND_A, start, count), prg.longs(AND_B, start, count),
        designated ? null : prg.longs(AND_C, start, count)};
  }

  /** Party 0's c_0 = (XOR a_i) AND (XOR b_i) XOR (XOR_{i>=1} c_i) for AND triples. */
  public static long[] andCorrections(byte[][] seeds, long start, int count) {
    long[] a = new long[count], b = new long[count], c = new long[count];
    for (int i = 0; i < seeds.length; i++) {
      long[][] s = andShares(seeds[i], i == 0, start, count);
      for (int k = 0; k < count; k++) {
        a[k] ^= s[0][k];
        b[k] ^= s[1][k];
        if (i > 0) c[k] ^= s[2][k];
      }
    }
    for (int k = 0; k < count; k++) c[k] ^= a[k] & b[k];
    return c;
  }

  /**
   * One party's shares of AND pairs on 64-bit words [start, start+count): {a, b1, b2, c1, c2} with
   * c1 = a&b1 and c2 = a&b2 once XORed over the parties; c1 and c2 null for party 0.
   */
  public static long[][] andPairShares(byte[] seed, boolean designated, long start, int count) {
    Prg prg = new Prg(seed);
    return new long[][] {prg.longs(PAIR_A, start, count), prg.longs(PAIR_B1, start, count), prg.longs(PAIR_B2, start, count),
        designated ? null : prg.longs(PAIR_C1, start, count), designated ? null : prg.longs(PAIR_C2, start, count)};
  }

  /** Party 0's {c1_0, c2_0} for AND pairs: a&b1 and a&b2 XOR the other parties' c shares. */
  public static long[][] andPairCorrections(byte[][] seeds, long start, int count) {
    long[] a = new long[count], b1 = new long[count], b2 = new long[count], c1 = new long[count], c2 = new long[count];
    for (int i = 0; i < seeds.length; i++) {
      long[][] s = andPairShares(seeds[i], i == 0, start, count);
      for (int k = 0; k < count; k++) {
        a[k] ^= s[0][k];
        b1[k] ^= s[1][k];
        b2[k] ^= s[2][k];
        if (i > 0) {
          c1[k] ^= s[3][k];
          c2[k] ^= s[4][k];
        }
      }
    }
    for (int k = 0; k < count; k++) {
      c1[k] ^= a[k] & b1[k];
      c2[k] ^= a[k] & b2[k];
    }
    return new long[][] {c1, c2};
  }

  /** One party's standalone daBits [start, start+count): {b_bool (0/1), b_arith}; null for party 0. */
  public static long[][] dabitShares(byte[] seed, boolean designated, long start, int count) {
    if (designated) return new long[][] {null, null};
    Prg prg = new Prg(seed);
    long[] bb = prg.longs(DB_B, start, count);
    for (int k = 0; k < count; k++) bb[k] &= 1;
    return new long[][] {bb, prg.longs(DB_A, start, count)};
  }

  /** Party 0's {b_bool_0, b_arith_0}; the bits come from the dealer's own seed. */
  public static long[][] dabitCorrections(byte[][] seeds, byte[] dealerSeed, long start, int count) {
    long[] bb = new long[count], ba = new long[count];
    for (int i = 1; i < seeds.length; i++) {
      long[][] s = dabitShares(seeds[i], false, start, count);
      for (int k = 0; k < count; k++) {
        bb[k] ^= s[0][k];
        ba[k] += s[1][k];
      }
    }
    long[] b = new Prg(dealerSeed).longs(DB_BIT, start, count);
    for (int k = 0; k < count; k++) {
      long bit = b[k] & 1;
      bb[k] ^= bit;
      ba[k] = bit - ba[k];
    }
    return new long[][] {bb, ba};
  }

  /**
   * One party's shares of matrix triple t: {A, B, C} row-major; C is null for party 0. A triple of a mask
   * takes A as its view of the party's share of the mask ({@code mask}, or expanded here when null): shares
   * add up, so the views add up to the view.
   */
  public static long[][] matrixShares(byte[] seed, boolean designated, MatrixSchedule schedule, int t, long[] mask) {
    Prg prg = new Prg(seed);
    long[] s = schedule.shape(t);
    int n = (int) s[0], m = (int) s[1], k = (int) s[2], g = (int) s[3];
    long[] a = g == 0 ? prg.longs(MAT_A, schedule.aStart(t), n * m)
        : schedule.view(t, mask != null ? mask : maskShare(seed, schedule, g));
    return new long[][] {a, prg.longs(MAT_B, schedule.bStart(t), m * k), designated ? null : prg.longs(MAT_C, schedule.cStart(t), n * k)};
  }

  /** One party's share of mask g of the schedule (uniform: no party's share is a correction). */
  public static long[] maskShare(byte[] seed, MatrixSchedule schedule, int g) {
    return new Prg(seed).longs(MAT_MASK, schedule.maskStart(g), schedule.maskLength(g));
  }

  /**
   * Party 0's C_0 = (ΣA_i)(ΣB_i) − Σ_{i≥1} C_i for elements [start, start+count) of the schedule's C
   * stream (whole triples or parts of them): the dealer multiplies each triple's matrices it touches.
   */
  public static long[] matrixCorrections(byte[][] seeds, MatrixSchedule schedule, long start, int count) {
    long[] out = new long[count];
    java.util.Map<Integer, long[][]> masks = new java.util.HashMap<>(); // each party's share of a mask, expanded once
    for (long pos = start; pos < start + count; ) {
      int t = schedule.holding(pos);
      long[] s = schedule.shape(t);
      int n = (int) s[0], m = (int) s[1], k = (int) s[2], g = (int) s[3];
      long[][] mask = g == 0 ? new long[seeds.length][] : masks.computeIfAbsent(g, key -> {
        long[][] shares = new long[seeds.length][];
        for (int i = 0; i < seeds.length; i++) shares[i] = maskShare(seeds[i], schedule, key);
        return shares;
      });
      long[] a = new long[n * m], b = new long[m * k], rest = new long[n * k];
      for (int i = 0; i < seeds.length; i++) {
        long[][] sh = matrixShares(seeds[i], i == 0, schedule, t, mask[i]);
        Ring.addInPlace(a, sh[0]);
        Ring.addInPlace(b, sh[1]);
        if (i > 0) Ring.addInPlace(rest, sh[2]);
      }
      long[] c = Ring.sub(Ring.matmul(a, b, n, m, k), rest);
      long from = pos - schedule.cStart(t), to = Math.min(c.length, start + count - schedule.cStart(t));
      System.arraycopy(c, (int) from, out, (int) (pos - start), (int) (to - from));
      pos += to - from;
    }
    return out;
  }

  /** A holder's share of an input, expanded from the seed the owner sent it. */
  public static long[] inputShare(byte[] seed, int length) {
    return inputShare(seed, 0, length);
  }

  /** Elements [start, start + length) of a holder's share of an input: one block of a streamed plan. */
  public static long[] inputShare(byte[] seed, long start, int length) {
    return new Prg(seed).longs(SHARE, start, length);
  }
}
