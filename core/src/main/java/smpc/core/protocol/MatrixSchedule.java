package smpc.core.protocol;

import static smpc.core.Errors.invalid;

import java.util.List;
import smpc.proto.MatShape;

/**
 * The shapes of a session's matrix triples, in the order its MATMUL instructions take them. Triple t of
 * shape (n, m, k) is A (n x m), B (m x k) and C = AB (n x k); each of the three lives in a stream of its
 * own at the sum of the sizes of the triples before it, so a triple is found from the position of its
 * first element of C (what {@link Material#MATRIX_TRIPLE} counts).
 *
 * <p>A triple of mask g ≥ 1 has no A of its own: its A is a strided view (offset, row and column strides)
 * of mask g, a uniform vector of the masked value's length in a stream of its own. The first triple of
 * mask g opens value − mask once; the later ones reuse that opening (SPU's beaver cache; docs/protocols.md).
 * Masks are numbered 1, 2, ... in the order of their first triple.
 */
public final class MatrixSchedule {
  /** A session without matrix products. */
  public static final MatrixSchedule NONE = new MatrixSchedule(new long[0][], new long[1], new long[1], new long[1], new long[1]);

  private final long[][] shapes; // {n, m, k, mask, offset, rowStride, colStride, 1 if it opens its mask}
  private final long[] aStart;
  private final long[] bStart;
  private final long[] cStart; // one more than shapes: the end of the last
  private final long[] maskStart; // by mask - 1, one more than the masks: the end of the last

  private MatrixSchedule(long[][] shapes, long[] aStart, long[] bStart, long[] cStart, long[] maskStart) {
    this.shapes = shapes;
    this.aStart = aStart;
    this.bStart = bStart;
    this.cStart = cStart;
    this.maskStart = maskStart;
  }

  /**
   * The most multiply-adds a session's matrix triples may cost the dealer (sum of n·m·k): 2^31, a 1024 x 1024 by 1024 x
   * 2048 product, about two seconds of its CPU. The element counts alone let one item of 2048^3 hold a thread for 40 s,
   * and 8192^3 for hours.
   */
  public static final long MAX_WORK = 1L << 31;

  public static MatrixSchedule of(List<MatShape> list) {
    if (list.isEmpty()) return NONE;
    long work = 0;
    int t = list.size();
    long[][] shapes = new long[t][];
    long[] a = new long[t + 1], b = new long[t + 1], c = new long[t + 1];
    List<Long> masks = new java.util.ArrayList<>(List.of(0L)); // starts of the masks seen so far, then the end
    for (int i = 0; i < t; i++) {
      MatShape s = list.get(i);
      long n = s.getN(), m = s.getM(), k = s.getK();
      if (n < 1 || m < 1 || k < 1 || n * m > Limits.MAX_LENGTH || m * k > Limits.MAX_LENGTH || n * k > Limits.MAX_LENGTH) {
        throw invalid("matrix triple of shape %d x %d times %d x %d out of range", n, m, m, k);
      }
      work += n * m * k; // each factor below 2^26 and each pair's product too: no overflow before the check
      if (work > MAX_WORK) {
        throw invalid("matrix products of %d multiply-adds in one session, more than the dealer's %d: split the computation", work, MAX_WORK);
      }
      int g = s.getMask();
      shapes[i] = new long[] {n, m, k, g, s.getOffset(), s.getRowStride(), s.getColStride(), g != 0 && g == masks.size() ? 1 : 0};
      if (g != 0) view(s, n, m, masks);
      a[i + 1] = a[i] + (g == 0 ? n * m : 0);
      b[i + 1] = b[i] + m * k;
      c[i + 1] = c[i] + n * k;
      if (a[i + 1] > Limits.MAX_LENGTH || b[i + 1] > Limits.MAX_LENGTH || c[i + 1] > Limits.MAX_LENGTH) {
        throw invalid("matrix triples exceed %d elements", Limits.MAX_LENGTH);
      }
    }
    long[] maskStart = masks.stream().mapToLong(Long::longValue).toArray();
    return new MatrixSchedule(shapes, a, b, c, maskStart);
  }

  /** Checks triple s's view of its mask (numbered in order of first use, one length each) and records a new mask. */
  private static void view(MatShape s, long n, long m, List<Long> masks) {
    int g = s.getMask(), known = masks.size() - 1;
    long len = s.getMaskLen(), off = s.getOffset(), rs = s.getRowStride(), cs = s.getColStride();
    if (g < 0 || g > known + 1) throw invalid("matrix triple mask %d: masks are numbered 1, 2, ... in order of first use", g);
    if (g == known + 1) {
      if (len < 1 || len > Limits.MAX_LENGTH || masks.get(known) + len > Limits.MAX_LENGTH) throw invalid("mask %d of %d elements out of range", g, len);
      masks.add(masks.get(known) + len);
    } else if (len != masks.get(g) - masks.get(g - 1)) {
      throw invalid("mask %d has %d elements, not %d", g, masks.get(g) - masks.get(g - 1), len);
    }
    if (off < 0 || rs < 0 || cs < 0 || off >= len || rs > len || cs > len || off + (n - 1) * rs + (m - 1) * cs >= len) {
      throw invalid("a %d x %d view at %d with strides %d, %d outside mask %d of %d elements", n, m, off, rs, cs, g, len);
    }
  }

  public int size() {
    return shapes.length;
  }

  /** {n, m, k, mask, offset, row stride, column stride, opens} of triple t (mask 0: an A of its own). */
  long[] shape(int t) {
    return shapes[t];
  }

  /** Whether triple t is the first of its mask's: the one that opens value − mask. */
  boolean opensMask(int t) {
    return shapes[t][7] == 1;
  }

  long maskStart(int g) {
    return maskStart[g - 1];
  }

  int maskLength(int g) {
    return (int) (maskStart[g] - maskStart[g - 1]);
  }

  /** The n x m view of triple t (of a mask) in {@code v}, row-major. */
  long[] view(int t, long[] v) {
    long[] s = shapes[t];
    int n = (int) s[0], m = (int) s[1];
    long[] out = new long[n * m];
    for (int i = 0; i < n; i++) for (int l = 0; l < m; l++) out[i * m + l] = v[(int) (s[4] + i * s[5] + l * s[6])];
    return out;
  }

  long aStart(int t) {
    return aStart[t];
  }

  long bStart(int t) {
    return bStart[t];
  }

  long cStart(int t) {
    return cStart[t];
  }

  /** The triple whose C starts at {@code pos}; refuses a position inside or beyond the schedule. */
  int startingAt(long pos) {
    int t = java.util.Arrays.binarySearch(cStart, 0, shapes.length, pos);
    if (t < 0) throw invalid("matrix triple element %d is not the start of one of the plan's triples", pos);
    return t;
  }

  /** The triple holding element {@code pos} of C. */
  int holding(long pos) {
    if (pos < 0 || pos >= cStart[shapes.length]) throw invalid("matrix triple element %d beyond the plan's schedule", pos);
    int lo = 0, hi = shapes.length - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (cStart[mid] <= pos) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}
