package smpc.core.protocol;

import static smpc.core.Errors.invalid;

import java.util.Arrays;

/**
 * The local steps that move elements between positions (no messages, no dealer material): each output
 * element reads elements elsewhere in its inputs, so these steps need whole vectors and a plan using them
 * never runs in blocks ({@link Blocks}). Shares rearrange exactly as the values they share.
 */
public final class Rearranging {
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

  /**
   * GATHER's patterns (its {@code modes}, one byte; its {@code constant} one int64 k): each element k times in a row,
   * or the whole vector k times. The pairwise statistics (median, isin) gather n² elements so, whose index vectors
   * made a plan of 16 bytes a pair (7.9 MB for a median of 700: over a party's 4 MiB request limit).
   */
  public static final byte REPEAT = 1, TILE = 2;

  /** {@code x} gathered by {@code pattern} with count {@code k}. */
  static long[] gather(long[] x, byte pattern, long k) {
    long len = checkedPatternLength(x.length, pattern, k);
    long[] z = new long[(int) len];
    if (pattern == REPEAT) {
      for (int i = 0, t = 0; i < x.length; i++) for (long j = 0; j < k; j++) z[t++] = x[i];
    } else {
      for (long j = 0; j < k; j++) System.arraycopy(x, 0, z, (int) (j * x.length), x.length);
    }
    return z;
  }

  /** The length a pattern makes of a source of {@code n} elements; refuses an unknown pattern or a count out of range. */
  static long checkedPatternLength(long n, byte pattern, long k) {
    if (pattern != REPEAT && pattern != TILE) throw invalid("GATHER pattern %d unknown (1 repeats each element, 2 the vector)", pattern);
    if (k < 1 || k > Limits.MAX_LENGTH || n * k > Limits.MAX_LENGTH) {
      throw invalid("GATHER of %d elements %d times: at most %d elements", n, k, Limits.MAX_LENGTH);
    }
    return n * k;
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
