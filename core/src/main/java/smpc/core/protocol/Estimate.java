package smpc.core.protocol;

import static smpc.core.Errors.invalid;

import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;
import smpc.core.ring.Prg;
import smpc.proto.Instr;
import smpc.proto.Plan;

/**
 * What a session of a plan will cost, known before it runs: the figures every party's statistics will
 * report. Every protocol here sends messages whose sizes depend only on the plan and the lengths of its
 * inputs, never on the values, so the figures are exact, not estimates in the statistical sense:
 * rounds as {@link Costs#rounds(Plan)}; the bytes each party sends by following the register lengths
 * ({@link Lengths}) through every communicating step (each protocol states the words it opens to every
 * peer); the dealer's bytes from the material the plan declares, which the party-node's dealer link
 * fetches as the session goes (all of it by its end); the heap as {@link Footprint}, an upper bound.
 */
public final class Estimate {
  /** What one session of a plan costs, known before it runs. bytesSent and dealerBytes are per party in session order. */
  public record Cost(int rounds, long[] bytesSent, long[] dealerBytes, Map<Material, Long> material, long peakMemoryBytes) {}

  /** A SHARE's message to each other party: the PRG seed of that party's share, and the vector's length. */
  private static final long SHARE_MESSAGE_BYTES = Prg.SEED_BYTES + 8;

  private Estimate() {}

  /**
   * @param parties the session's parties, in session order (the first is the designated party)
   * @param fracBits the session's fractional bits (the plan's truncation schedule must be valid with them)
   * @param storedLength elements of a stored value the plan LOADs (as Footprint.bytes takes it), and of a
   *     private value it SHAREs without declaring the length
   */
  public static Cost of(Plan plan, List<String> parties, int fracBits, ToLongFunction<String> storedLength) {
    return of(plan, parties, fracBits, storedLength, RevealRoutes.VIA_RECIPIENT);
  }

  /** As above, the parties' shares of unnamed reveals sent as {@code routes} says (a share for a caller goes to no peer). */
  public static Cost of(Plan plan, List<String> parties, int fracBits, ToLongFunction<String> storedLength, RevealRoutes routes) {
    int p = parties.size();
    if (p < 1) throw invalid("a session needs at least one party");
    TruncSchedule.of(plan.getTruncRunsList(), fracBits); // a plan its parties would refuse has no cost
    long[] sent = new long[p];
    Lengths regs = new Lengths(storedLength, storedLength, MatrixSchedule.of(plan.getMatShapesList()));
    for (Instr in : plan.getInstrsList()) {
      long[] out = regs.of(in);
      long n = regs.elements(in);
      switch (in.getOp()) {
        case SHARE -> sent[index(parties, in.getParty())] += InputSeeds.early(in) ? 0 : (p - 1) * SHARE_MESSAGE_BYTES; // early: with the agreement
        case MUL -> everyone(sent, mulWords(in, out));
        case MATMUL -> everyone(sent, n); // D (or a mask's opening) and E of every product (MatrixProducts)
        case TRUNC -> everyone(sent, Truncation.openedWords(n));
        case COMPARE -> everyone(sent, Comparison.openedWords(n));
        case NORM -> everyone(sent, Normalization.openedWords(n, Costs.normBits(in)));
        case REVEAL -> { // every other party sends its share to the target, unless it goes to the party's caller
          int target = index(parties, in.getParty());
          for (int i = 0; i < p; i++) {
            if (i != target && (!in.getName().isEmpty() || !routes.toCaller(i, in.getParty()))) sent[i] += 8 * n;
          }
        }
        default -> { }
      }
      regs.apply(in, out);
    }
    // the commit round before anything is stored sends empty messages: a round, no bytes
    Map<Material, Long> material = new EnumMap<>(Material.class);
    for (Material m : Material.values()) if (m.in(plan) > 0) material.put(m, m.in(plan));
    return new Cost(Costs.rounds(plan), sent, dealerBytes(material, p), Collections.unmodifiableMap(material),
        Footprint.bytes(plan, p, storedLength));
  }

  /**
   * A party's seed (every party, when the plan uses any material), and the designated party's corrections,
   * {@link Material#correctionWords} ring elements per item: what the dealer link counts, its payloads
   * without their framing.
   */
  private static long[] dealerBytes(Map<Material, Long> material, int parties) {
    long[] out = new long[parties];
    if (material.isEmpty()) return out; // no dealer call at all
    java.util.Arrays.fill(out, Prg.SEED_BYTES);
    material.forEach((m, count) -> out[0] += 8L * m.correctionWords * count);
    return out;
  }

  /** Each party sends {@code words} ring elements to every peer. */
  private static void everyone(long[] sent, long words) {
    for (int i = 0; i < sent.length; i++) sent[i] += 8 * words * (sent.length - 1);
  }

  private static int index(List<String> parties, String party) {
    int i = parties.indexOf(party);
    if (i < 0) throw invalid("party '%s' is not in this session %s", party, parties);
    return i;
  }

  /** A MUL step's opened words: 2 per element of a product, 1 per element of a square (a register times itself). */
  static long mulWords(Instr in, long[] out) {
    long products = 0, squares = 0;
    for (int k = 0; k < out.length; k++) {
      if (Beaver.isSquare(in, k)) squares += out[k];
      else products += out[k];
    }
    return Beaver.openedWords(products, squares);
  }
}
