package smpc.core.protocol;

import static smpc.core.Errors.invalid;

import java.util.List;
import smpc.proto.TruncRun;

/**
 * The bits each truncation pair of a session drops: a run per TRUNC instruction, in plan order. Only
 * the designated party's dealer corrections depend on it; the other parties' shares do not.
 */
public final class TruncSchedule {
  private final long[] ends; // exclusive end position of each run
  private final int[] bits;

  private TruncSchedule(long[] ends, int[] bits) {
    this.ends = ends;
    this.bits = bits;
  }

  /** Every pair drops the same bits. */
  public static TruncSchedule uniform(int bits) {
    check(bits);
    return new TruncSchedule(new long[] {Long.MAX_VALUE}, new int[] {bits});
  }

  /** The plan's runs, or uniform {@code defaultBits} when it lists none. */
  public static TruncSchedule of(List<TruncRun> runs, int defaultBits) {
    if (runs.isEmpty()) return uniform(defaultBits);
    long[] ends = new long[runs.size()];
    int[] bits = new int[runs.size()];
    long pos = 0;
    for (int k = 0; k < ends.length; k++) {
      TruncRun r = runs.get(k);
      if (r.getCount() < 1 || r.getCount() > Limits.MAX_LENGTH) throw invalid("truncation run of %d pairs", r.getCount());
      check(r.getBits());
      pos += r.getCount();
      if (pos > Limits.MAX_LENGTH) throw invalid("truncation runs exceed %d pairs", Limits.MAX_LENGTH);
      ends[k] = pos;
      bits[k] = r.getBits();
    }
    return new TruncSchedule(ends, bits);
  }

  private static void check(int bits) {
    if (bits < 1 || bits > 62) throw invalid("a truncation drops 1 to 62 bits, not %d", bits);
  }

  /** The bits pair {@code pos} drops. */
  public int bitsAt(long pos) {
    int lo = 0, hi = ends.length - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (ends[mid] > pos) hi = mid;
      else lo = mid + 1;
    }
    if (pos >= ends[lo]) throw invalid("truncation pair %d beyond the plan's schedule", pos);
    return bits[lo];
  }
}
