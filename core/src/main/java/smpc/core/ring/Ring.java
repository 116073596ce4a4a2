package smpc.core.ring;

/**
 * Vectors over Z_2^64 as {@code long[]}: Java's wrapping add, subtract and multiply are exactly the
 * ring operations. Binary operations broadcast a length-1 operand over the other.
 */
public final class Ring {
  private Ring() {}

  /** Length of the result of an elementwise operation, or an exception naming both lengths. */
  public static int broadcastLength(int a, int b) {
    if (a == b || b == 1) return a;
    if (a == 1) return b;
    throw new IllegalArgumentException("vector lengths differ: " + a + " and " + b);
  }

  public static long[] add(long[] x, long[] y) {
    int n = broadcastLength(x.length, y.length);
    long[] z = new long[n];
    if (x.length == y.length) for (int i = 0; i < n; i++) z[i] = x[i] + y[i];
    else if (y.length == 1) { long c = y[0]; for (int i = 0; i < n; i++) z[i] = x[i] + c; }
    else { long c = x[0]; for (int i = 0; i < n; i++) z[i] = c + y[i]; }
    return z;
  }

  public static long[] sub(long[] x, long[] y) {
    int n = broadcastLength(x.length, y.length);
    long[] z = new long[n];
    if (x.length == y.length) for (int i = 0; i < n; i++) z[i] = x[i] - y[i];
    else if (y.length == 1) { long c = y[0]; for (int i = 0; i < n; i++) z[i] = x[i] - c; }
    else { long c = x[0]; for (int i = 0; i < n; i++) z[i] = c - y[i]; }
    return z;
  }

  public static long[] mul(long[] x, long[] y) {
    int n = broadcastLength(x.length, y.length);
    long[] z = new long[n];
    if (x.length == y.length) for (int i = 0; i < n; i++) z[i] = x[i] * y[i];
    else if (y.length == 1) { long c = y[0]; for (int i = 0; i < n; i++) z[i] = x[i] * c; }
    else { long c = x[0]; for (int i = 0; i < n; i++) z[i] = c * y[i]; }
    return z;
  }

  public static long[] neg(long[] x) {
    long[] z = new long[x.length];
    for (int i = 0; i < x.length; i++) z[i] = -x[i];
    return z;
  }

  public static long sum(long[] x) {
    long s = 0;
    for (long v : x) s += v;
    return s;
  }

  /** x += y in place (same length). */
  public static void addInPlace(long[] x, long[] y) {
    for (int i = 0; i < x.length; i++) x[i] += y[i];
  }

  /** x -= y in place (same length). */
  public static void subInPlace(long[] x, long[] y) {
    for (int i = 0; i < x.length; i++) x[i] -= y[i];
  }

  /** A length-n copy of x, repeating a length-1 x. */
  public static long[] expand(long[] x, int n) {
    if (x.length == n) return x;
    if (x.length != 1) throw new IllegalArgumentException("vector lengths differ: " + x.length + " and " + n);
    long[] z = new long[n];
    java.util.Arrays.fill(z, x[0]);
    return z;
  }

  /** The product of x (n x m) and y (m x k), row-major, in the ring. */
  public static long[] matmul(long[] x, long[] y, int n, int m, int k) {
    long[] z = new long[n * k];
    for (int i = 0; i < n; i++) {
      for (int l = 0; l < m; l++) {
        long v = x[i * m + l];
        if (v == 0) continue;
        int row = l * k, at = i * k;
        for (int j = 0; j < k; j++) z[at + j] += v * y[row + j];
      }
    }
    return z;
  }
}
