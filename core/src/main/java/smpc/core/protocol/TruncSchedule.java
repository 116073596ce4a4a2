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
    return bits[run(pos)];
  }

  /**
   * True when every pair from {@code from} to {@code from + count - 1} drops {@code bits}: a TRUNC instruction
   * may take them (its corrections were made for exactly those bits). Every run it spans is checked, not only
   * its ends: a run of other bits inside would give wrong results there.
   */
  public boolean drops(long from, long count, int bits) {
    if (count <= 0) return true;
    run(from + count - 1); // beyond the schedule: that error
    for (int k = run(from); k < ends.length && (k == 0 ? 0 : ends[k - 1]) < from + count; k++) {
      if (this.bits[k] != bits) return false;
    }
    return true;
  }

  /** The run that pair {@code pos} belongs to. */
  private int run(long pos) {
    int lo = 0, hi = ends.length - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (ends[mid] > pos) hi = mid;
      else lo = mid + 1;
    }
    if (pos < 0 || pos >= ends[lo]) throw invalid("truncation pair %d beyond the plan's schedule", pos);
    return lo;
  }
}
