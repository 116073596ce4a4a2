package smpc.core.expr;

import static smpc.core.Errors.invalid;

import smpc.core.protocol.Costs;
import smpc.core.protocol.Limits;
import smpc.proto.Plan;

/**
 * The dealer material a plan needs, counted as the {@link Emitter} schedules its nodes, so the dealer can
 * prepare it all up front; and the cap on what one session may take.
 */
final class MaterialCount {
  private long triples;
  private long truncs;
  private long compares;
  private long ands;
  private long pairs;
  private long dabits;
  private long compared; // elements of the current round's COMPARE instruction

  /** A Beaver triple per element. */
  void mul(Node.Mul n) {
    triples += n.len();
  }

  /** A truncation pair per element. */
  void trunc(Node.Trunc n) {
    truncs += n.len();
  }

  /** An edaBit and a daBit per element; the AND pairs come per instruction, at {@link #endRound}. */
  void compare(Node n) {
    compares += n.len();
    compared += n.len();
  }

  /** Per element of the input: a comparison's edaBit, the prefix OR's AND triples, the borrows' AND pairs; a daBit per output bit. */
  void norm(Node.Norm n) {
    long in = n.x().len();
    compares += in;
    ands += in * Costs.andsPerNorm(n.bits());
    pairs += in * Costs.AND_PAIRS_PER_NORM;
    dabits += n.len();
  }

  /** The round's comparisons are one instruction, whose AND pairs depend on its total length. */
  void endRound() {
    pairs += Costs.andPairsPerCompare(compared);
    compared = 0;
  }

  /** Refuses a plan that needs more of any kind than one session may take. */
  void check() {
    long max = Limits.MAX_LENGTH;
    if (triples > max || truncs > max || ands > max || pairs > max || dabits > max) {
      throw invalid("the computation needs %d multiplications, %d truncations, %d binary ANDs, %d binary AND pairs and %d bit"
          + " conversions, more than one session may do (%d each); split it", triples, truncs, ands, pairs, dabits, max);
    }
  }

  /** The counts into the plan, for the dealer. */
  Plan.Builder writeTo(Plan.Builder plan) {
    return plan.setTriples(triples).setTruncPairs(truncs).setCompares(compares).setAndTriples(ands).setAndPairs(pairs)
        .setDabits(dabits);
  }
}
