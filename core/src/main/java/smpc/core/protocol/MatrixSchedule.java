package smpc.core.protocol;

import static smpc.core.Errors.invalid;

import java.util.List;
import smpc.proto.MatShape;

/**
 * The shapes of a session's matrix triples, in the order its MATMUL instructions take them. Triple t of
 * shape (n, m, k) is A (n x m), B (m x k) and C = AB (n x k); each of the three lives in a stream of its
 * own at the sum of the sizes of the triples before it, so a triple is found from the position of its
 * first element of C (what {@link Material#MATRIX_TRIPLE} counts).
 */
public final class MatrixSchedule {
  /** A session without matrix products. */
  public static final MatrixSchedule NONE = new MatrixSchedule(new long[0][], new long[1], new long[1], new long[1]);

  private final long[][] shapes; // {n, m, k}
  private final long[] aStart;
  private final long[] bStart;
  private final long[] cStart; // one more than shapes: the end of the last

  private MatrixSchedule(long[][] shapes, long[] aStart, long[] bStart, long[] cStart) {
    this.shapes = shapes;
    this.aStart = aStart;
    this.bStart = bStart;
    this.cStart = cStart;
  }

  public static MatrixSchedule of(List<MatShape> list) {
    if (list.isEmpty()) return NONE;
    int t = list.size();
    long[][] shapes = new long[t][];
    long[] a = new long[t + 1], b = new long[t + 1], c = new long[t + 1];
    for (int i = 0; i < t; i++) {
      MatShape s = list.get(i);
      long n = s.getN(), m = s.getM(), k = s.getK();
      if (n < 1 || m < 1 || k < 1 || n * m > Limits.MAX_LENGTH || m * k > Limits.MAX_LENGTH || n * k > Limits.MAX_LENGTH) {
        throw invalid("matrix triple of shape %d x %d times %d x %d out of range", n, m, m, k);
      }
      shapes[i] = new long[] {n, m, k};
      a[i + 1] = a[i] + n * m;
      b[i + 1] = b[i] + m * k;
      c[i + 1] = c[i] + n * k;
      if (a[i + 1] > Limits.MAX_LENGTH || b[i + 1] > Limits.MAX_LENGTH || c[i + 1] > Limits.MAX_LENGTH) {
        throw invalid("matrix triples exceed %d elements", Limits.MAX_LENGTH);
      }
    }
    return new MatrixSchedule(shapes, a, b, c);
  }

  public int size() {
    return shapes.length;
  }

  /** {n, m, k} of triple t. */
  long[] shape(int t) {
    return shapes[t];
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
