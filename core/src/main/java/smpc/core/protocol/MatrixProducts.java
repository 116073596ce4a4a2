package smpc.core.protocol;

import static smpc.core.Errors.invalid;

import smpc.core.ring.Packing;
import smpc.core.ring.Ring;

/**
 * Products of secret matrices with dealer matrix triples (A, B, C = AB), the matrix form of Beaver's
 * multiplication used by MP-SPDZ and CrypTen: for X (n x m) and Y (m x k) the parties open D = X − A and
 * E = Y − B, n·m + m·k elements instead of the n·m·k an elementwise product of the same sums would open,
 * and take Z = C + D·B + A·E (+ D·E on the designated party) = XY. Every product of one instruction
 * travels in one message, one round. A and B are uniform and used once, so D and E hide X and Y exactly
 * as an elementwise Beaver opening does.
 *
 * <p>A value that is the left factor of several products (the features in every batch of an epoch, and
 * transposed in every gradient) is masked once: the first product of its mask opens D = X − M for the
 * whole value, the later ones take their D and A as views of that opening and of M (SPU's beaver cache;
 * docs/protocols.md). What is opened is still one uniform mask per value, opened once; a later product
 * must name the very value the mask opened, or the session stops (its result would be wrong, not leak).
 */
final class MatrixProducts {
  /**
   * The most multiply-adds one product may take (n·m·k; a party computes three such products): 2^32, some
   * seconds, so that a plan cannot keep a party busy for hours. X^T X of 10^5 rows of 30 takes 9·10^7.
   */
  static final long MAX_WORK = 1L << 32;

  private final MatrixSchedule schedule;
  /** Per mask g - 1 once opened: {this party's share of the masked value, D = value − M, its share of M}. */
  private final java.util.List<long[][]> opened = new java.util.ArrayList<>();

  MatrixProducts(MatrixSchedule schedule) {
    this.schedule = schedule;
  }

  /**
   * dst[j] = operands[2j] times operands[2j+1], of the shapes {@code dims} lists (n, m, k per product),
   * each consuming the next triple of the session's schedule, which must have that shape; for a triple
   * of a mask, operands[2j] is the masked value whose view is the left factor.
   */
  long[][] multiply(SessionView s, String tag, long[] dims, long[][] operands) {
    int count = operands.length / 2;
    if (count == 0 || operands.length != 2 * count || dims.length != 3 * count) {
      throw invalid("MATMUL needs two sources and three dimensions per destination");
    }
    boolean designated = s.designated();
    long[][] a = new long[count][], b = new long[count][], c = new long[count][];
    long[] starts = new long[count];
    int[][] shape = new int[count][];
    long total = 0;
    for (int j = 0; j < count; j++) {
      long n = dims[3 * j], m = dims[3 * j + 1], k = dims[3 * j + 2];
      long start = starts[j] = s.take(Material.MATRIX_TRIPLE, (int) Math.max(0, Math.min(n * k, Limits.MAX_LENGTH)));
      int t = schedule.startingAt(start);
      long[] planned = schedule.shape(t);
      int g = (int) planned[3];
      long left = g == 0 ? n * m : schedule.maskLength(g);
      if (n < 1 || m < 1 || k < 1 || left != operands[2 * j].length || m * k != operands[2 * j + 1].length
          || n * k > Limits.MAX_LENGTH || n * m * k > MAX_WORK) {
        throw invalid("MATMUL of %d x %d by %d x %d does not fit operands of %d and %d elements or is too large", n, m, m, k,
            operands[2 * j].length, operands[2 * j + 1].length);
      }
      shape[j] = new int[] {(int) n, (int) m, (int) k, t};
      if (planned[0] != n || planned[1] != m || planned[2] != k) {
        throw invalid("MATMUL of %d x %d by %d x %d but the plan's matrix triple %d is %d x %d by %d x %d", n, m, m, k, t,
            planned[0], planned[1], planned[1], planned[2]);
      }
      if (g != 0 && schedule.opensMask(t)) { // D arrives with this instruction's opening
        opened.add(new long[][] {operands[2 * j].clone(), null, Streams.maskShare(s.dealer().seed(), schedule, g)});
      } else if (g != 0) {
        reuse(g, operands[2 * j]);
      }
      long[][] abc = Streams.matrixShares(s.dealer().seed(), designated, schedule, t, g == 0 ? null : mask(g));
      a[j] = abc[0];
      b[j] = abc[1];
      c[j] = abc[2]; // the designated party's is the dealer's correction, asked for after the opening (as Beaver's c)
      total += m * k + (g == 0 || schedule.opensMask(t) ? left : 0);
    }
    if (total > Limits.MAX_LENGTH) throw invalid("one MATMUL step opens %d elements, more than %d", total, Limits.MAX_LENGTH);
    long[] masked = new long[(int) total]; // D_0, E_0, D_1, E_1, ...
    int off = 0;
    for (int j = 0; j < count; j++) {
      int t = shape[j][3], g = (int) schedule.shape(t)[3];
      if (g == 0) off = putDifference(masked, off, operands[2 * j], a[j]);
      else if (schedule.opensMask(t)) off = putDifference(masked, off, operands[2 * j], mask(g));
      off = putDifference(masked, off, operands[2 * j + 1], b[j]);
    }
    long[] de = s.openPacked(tag, Packing.toBytes(masked), false);
    for (int j = 0; designated && j < count; j++) {
      c[j] = s.dealer().corrections(Material.MATRIX_TRIPLE, starts[j], shape[j][0] * shape[j][2])[0];
    }
    long[][] z = new long[count][];
    off = 0;
    for (int j = 0; j < count; j++) {
      int n = shape[j][0], m = shape[j][1], k = shape[j][2], t = shape[j][3], g = (int) schedule.shape(t)[3];
      long[] d;
      if (g == 0) {
        d = java.util.Arrays.copyOfRange(de, off, off + n * m);
        off += n * m;
      } else {
        if (schedule.opensMask(t)) {
          int len = schedule.maskLength(g);
          opened.get(g - 1)[1] = java.util.Arrays.copyOfRange(de, off, off + len);
          off += len;
        }
        d = schedule.view(t, opened.get(g - 1)[1]);
      }
      long[] e = java.util.Arrays.copyOfRange(de, off, off + m * k);
      off += m * k;
      long[] left = a[j]; // A (+ D on the designated party): A·E + D·E in one product
      if (designated) for (int i = 0; i < left.length; i++) left[i] += d[i];
      long[] db = Ring.matmul(d, b[j], n, m, k), ae = Ring.matmul(left, e, n, m, k), out = c[j];
      for (int i = 0; i < out.length; i++) out[i] += db[i] + ae[i];
      z[j] = out;
    }
    return z;
  }

  private long[] mask(int g) {
    return opened.get(g - 1)[2];
  }

  /** A later product of mask g: it must multiply the value the mask opened (this party's share of it, unchanged). */
  private void reuse(int g, long[] value) {
    if (g > opened.size() || !java.util.Arrays.equals(opened.get(g - 1)[0], value)) {
      throw invalid("MATMUL reuses mask %d for a value other than the one it opened", g);
    }
  }

  private static int putDifference(long[] out, int off, long[] x, long[] mask) {
    for (int i = 0; i < x.length; i++) out[off + i] = x[i] - mask[i];
    return off + x.length;
  }
}
