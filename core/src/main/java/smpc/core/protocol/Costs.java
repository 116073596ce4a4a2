package smpc.core.protocol;

import static smpc.core.Errors.invalid;

import java.util.EnumSet;
import java.util.Set;
import smpc.proto.Instr;
import smpc.proto.Op;
import smpc.proto.Plan;

/**
 * What a plan's instructions cost in rounds and in the dealer material that is not one item per element:
 * the compiler counts a plan's material and rounds with these before anything runs, and PlanRunner counts
 * rounds with them as it runs, so the plan's figures and every party's statistics agree.
 */
public final class Costs {
  /** AND pairs one NORM element uses (its borrows, as a comparison's; it also takes one comparison's edaBit). */
  public static final int AND_PAIRS_PER_NORM = Comparison.AND_PAIRS;

  /** The instructions that exchange messages: one round each, unless listed in {@link #rounds(Instr, Op)}. */
  private static final Set<Op> COMMUNICATING = EnumSet.of(Op.SHARE, Op.MUL, Op.REVEAL, Op.TRUNC, Op.COMPARE, Op.NORM,
      Op.MATMUL);

  private Costs() {}

  /** AND pairs one COMPARE instruction of {@code n} elements in all uses (a comparison uses no single AND triples). */
  public static long andPairsPerCompare(long n) {
    return Comparison.andPairs(n);
  }

  /** Single word AND triples one NORM element over {@code bits} bits uses (its prefix OR). */
  public static int andsPerNorm(int bits) {
    return Normalization.ands(bits);
  }

  /** The rounds a plan takes on parties running it in {@link Blocks#DEFAULT} blocks (what their statistics will report). */
  public static int rounds(Plan plan) {
    return Blocks.rounds(plan, Blocks.DEFAULT);
  }

  /**
   * Comparisons and NORM take several rounds; an input sharing whose seeds ride on the plan agreement
   * ({@link InputSeeds}) none, and consecutive sharings with messages of their own travel together; other
   * communicating steps 1.
   */
  static int rounds(Instr in, Instr prev) {
    Op op = in.getOp();
    if (op == Op.COMPARE) return Comparison.ROUNDS;
    if (op == Op.NORM) return Normalization.rounds(normBits(in));
    if (op == Op.SHARE) return InputSeeds.early(in) || (prev != null && prev.getOp() == Op.SHARE && !InputSeeds.early(prev)) ? 0 : 1;
    return COMMUNICATING.contains(op) ? 1 : 0;
  }

  /** The bits a NORM instruction examines. */
  static int normBits(Instr in) {
    if (in.getLength() < 2 || in.getLength() > 62) throw invalid("NORM examines 2 to 62 bits, not %d", in.getLength());
    return (int) in.getLength();
  }
}
