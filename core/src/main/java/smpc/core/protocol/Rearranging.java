package smpc.core.protocol;

import static smpc.core.Errors.invalid;

import java.util.Arrays;

/**
 * The local steps that move elements between positions (no messages, no dealer material): each output
 * element reads elements elsewhere in its inputs, so these steps need whole vectors and a plan using them
 * never runs in blocks ({@link Blocks}). Shares rearrange exactly as the values they share.
 */
final class Rearranging {
  private Rearranging() {}

  /** Row t of x (rows of table.length) times the public table: a one-hot row selects its entry. */
  static long[] lookup(long[] x, long[] table) {
    int m = table.length;
    if (x.length % m != 0) throw invalid("LOOKUP of a vector of %d with a table of %d", x.length, m);
    long[] z = new long[x.length / m];
    for (int t = 0; t < z.length; t++) {
      long acc = 0;
      for (int i = 0; i < m; i++) acc += x[t * m + i] * table[i];
      z[t] = acc;
    }
    return z;
  }

  static long[] slice(long[] x, long offset, long length) {
    if (offset < 0 || length < 1 || offset + length > x.length) {
      throw invalid("SLICE [%d, +%d) outside a vector of %d", offset, length, x.length);
    }
    return Arrays.copyOfRange(x, (int) offset, (int) (offset + length));
  }

  static long[] concat(long[][] xs) {
    long total = 0;
    for (long[] x : xs) total += x.length;
    if (total < 1 || total > Limits.MAX_LENGTH) throw invalid("CONCAT of %d elements", total);
    long[] z = new long[(int) total];
    int off = 0;
    for (long[] x : xs) {
      System.arraycopy(x, 0, z, off, x.length);
      off += x.length;
    }
    return z;
  }

  static long[] gather(long[] x, long[] idx) {
    long[] z = new long[idx.length];
    for (int k = 0; k < z.length; k++) {
      if (idx[k] < 0 || idx[k] >= x.length) throw invalid("GATHER index %d outside a vector of %d", idx[k], x.length);
      z[k] = x[(int) idx[k]];
    }
    return z;
  }
}
