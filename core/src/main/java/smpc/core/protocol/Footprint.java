package smpc.core.protocol;

import java.util.function.ToLongFunction;
import smpc.proto.Instr;
import smpc.proto.Op;
import smpc.proto.Plan;

/**
 * The heap one party needs for a plan, estimated before it runs so that a party can refuse a plan that
 * would not fit instead of running into an out-of-memory half way. It follows the registers as
 * {@link PlanRunner} sets and frees them (every register is an int64 vector whose length the plan
 * determines), keeps what the session holds until its end (stored values, revealed outputs), and adds at
 * each step the working arrays of that instruction's protocol: for a MUL of n products Beaver's triple
 * (3n, and the dealer's correction), the masked openings sent (2n) and their sum (2n), and 2n from every
 * peer waiting in the mailbox; a COMPARE its edaBit (4n), the opening of x + r, generate and propagate,
 * the borrow tree's halving levels and the daBit opening; a NORM its one-hot outputs and full prefix
 * circuit. The figures are upper bounds of what those classes allocate, rounded up; the estimate is the
 * peak over the plan of live registers plus held values plus the step's working set.
 */
public final class Footprint {
  /** Words per element of length-unknown vectors: a SHARE whose plan does not declare the length. */
  private static final long UNKNOWN_LENGTH = Limits.MAX_LENGTH;

  private Footprint() {}

  /**
   * Bytes of heap the plan needs on one party of a session of {@code parties}; {@code storedLength} gives
   * the length of a stored value the plan LOADs (0 when it does not exist: the session fails before it runs).
   */
  public static long bytes(Plan plan, int parties, ToLongFunction<String> storedLength) {
    return bytes(plan, parties, storedLength, Blocks.DEFAULT);
  }

  /**
   * As {@link #bytes(Plan, int, ToLongFunction)} on parties running streamed plans in blocks of {@code block}:
   * registers and working arrays then hold one block, stored values are read a block at a time, and outputs go
   * to the client and the store a block at a time.
   */
  public static long bytes(Plan plan, int parties, ToLongFunction<String> storedLength, int block) {
    Blocks.Layout layout = Blocks.layout(plan, block);
    long streamed = layout.length();
    // PlanRunner holds a share to the declared length; one undeclared may be the longest vector
    Lengths regs = new Lengths(storedLength, name -> UNKNOWN_LENGTH, MatrixSchedule.of(plan.getMatShapesList()),
        streamed == 0 ? Long.MAX_VALUE : block);
    long held = 0, peak = 0;
    int peers = Math.max(parties - 1, 1);
    for (int pc = 0; pc < plan.getInstrsCount(); pc++) {
      Instr in = plan.getInstrs(pc);
      if (pc == layout.tail()) regs.uncap(); // the tail runs once, whole, on the sums: what it builds is not capped by a block
      boolean whole = streamed == 0 || pc >= layout.tail();
      long[] out = regs.of(in);
      long n = regs.elements(in);
      long work = switch (in.getOp()) { // words of the step's working arrays
        case SHARE -> 2 * n;
        case MUL -> n * (10 + 2 * peers); // flattened x and y, triple and correction, d|e sent and summed, peers' d|e
        // A and B, D|E sent and summed, peers' D|E; per result: C and its correction, D·B and A·E; views of a mask and its D
        case MATMUL -> n * (3 + peers) + 4 * java.util.Arrays.stream(out).sum() + regs.matmul(in)[1];
        case TRUNC -> n * (6 + peers);
        case COMPARE -> n * (14 + 2 * peers);
        case NORM -> n * (4 * Lengths.normWidth(in) + 12 + 2 * peers);
        case REVEAL -> n * (1 + peers); // the packed share sent, or the sum and every peer's share
        default -> 0;
      };
      // a streamed plan's outputs go a block at a time to the client and the store (PlanRunner.stream); its tail's whole
      if (in.getOp() == Op.REVEAL && whole) held += 2 * regs.source(in, 0); // the revealed output, and the stored result if it keeps one
      if (in.getOp() == Op.STORE && whole) held += regs.source(in, 0);
      if (in.getOp() == Op.MATMUL) held += 2 * regs.matmul(in)[2]; // a mask's value and D, kept for the session
      long fresh = 0;
      for (long k : out) fresh += k;
      peak = Math.max(peak, regs.live() + held + work + fresh);
      regs.apply(in, out);
    }
    return 8 * peak;
  }
}
