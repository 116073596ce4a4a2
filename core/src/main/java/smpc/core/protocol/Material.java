package smpc.core.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import smpc.proto.Plan;
import smpc.proto.SessionStats;

/**
 * The kinds of correlated randomness the dealer provides. Every party expands its shares of an item from
 * its own seed ({@link Streams}); the designated party's last components instead come from the dealer as
 * explicit corrections, {@link #correctionWords} ring elements (8 bytes each) per item whatever the number of
 * parties. Adding a kind takes a constant here and its shares and corrections in {@link Streams}.
 *
 * <p>The order is the wire's: plans and statistics count material in a list indexed by ordinal, and a
 * corrections request names its kind by ordinal. New kinds go at the end.
 */
public enum Material {
  /** Beaver triples (a, b, c = ab); corrections c_0. */
  TRIPLE(1, "triples"),
  /** Truncation pairs (r, r >>> f, msb r); corrections (r_hi_0, msb_0). */
  TRUNC_PAIR(2, "truncation pairs"),
  /**
   * What one compared element takes: an edaBit (r shared additively and as XOR-shared bits) and a daBit;
   * corrections (r_bits_0, b_bool_0, b_arith_0). A NORM element takes one too and uses its edaBit.
   */
  COMPARE(3, "comparisons"),
  /** AND triples on 64-bit words; corrections c_0. */
  AND_TRIPLE(1, "AND triples"),
  /** daBits on their own (a random bit XOR-shared and additively shared); corrections (b_bool_0, b_arith_0). */
  DABIT(2, "daBits"),
  /** "One x, two y" AND triples on 64-bit words (a, b1, b2, a&b1, a&b2); corrections (c1_0, c2_0). */
  AND_PAIR(2, "AND pairs"),
  /**
   * Matrix triples (A, B, C = AB) of the plan's {@link MatrixSchedule} shapes, counted by the elements of C;
   * corrections C_0, one word per element of C.
   */
  MATRIX_TRIPLE(1, "matrix triple elements"),
  /** Square pairs (a, a²) for the squares of a MUL step (a register times itself); corrections (a²)_0. */
  SQUARE(1, "square pairs");

  private static final Material[] ALL = values();

  /** Ring elements of the designated party's corrections per item: what the dealer sends for it, 8 bytes each. */
  public final int correctionWords;
  /** What the items are called in messages. */
  public final String noun;

  Material(int correctionWords, String noun) {
    this.correctionWords = correctionWords;
    this.noun = noun;
  }

  /** Items of this kind in one chunk of the dealer's corrections stream (the last may hold fewer). */
  public int itemsPerChunk() {
    return Limits.CHUNK_BYTES / (8 * correctionWords);
  }

  /** The kind a corrections request names; null when there is no such kind. */
  public static Material of(int ordinal) {
    return ordinal >= 0 && ordinal < ALL.length ? ALL[ordinal] : null;
  }

  /** The snake_case plural the CLI's JSON uses: triples, trunc_pairs, compares, and_triples, dabits, and_pairs, ..., squares. */
  public String key() {
    return name().toLowerCase(Locale.ROOT) + "s";
  }

  /** The kinds the plan declares it consumes, in order; empty when it needs nothing from the dealer. */
  public static List<Material> declared(Plan plan) {
    return java.util.Arrays.stream(ALL).filter(m -> m.in(plan) > 0).toList();
  }

  /** Items of this kind the plan declares it consumes. */
  public long in(Plan plan) {
    return count(plan.getMaterialList());
  }

  /** Items of this kind the session used. */
  public long in(SessionStats stats) {
    return count(stats.getMaterialList());
  }

  private long count(List<Long> counts) {
    return ordinal() < counts.size() ? counts.get(ordinal()) : 0;
  }

  /** Counts as they travel: one per kind, by ordinal (absent kinds count 0). */
  public static List<Long> counts(Map<Material, Long> counts) {
    List<Long> out = new ArrayList<>(ALL.length);
    for (Material m : ALL) out.add(counts.getOrDefault(m, 0L));
    return out;
  }
}
