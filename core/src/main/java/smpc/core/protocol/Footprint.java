package smpc.core.protocol;

import java.util.HashMap;
import java.util.Map;
import java.util.function.ToLongFunction;
import smpc.core.ring.Packing;
import smpc.proto.Instr;
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
    Map<Integer, Long> regs = new HashMap<>(); // register -> elements
    long live = 0, held = 0, peak = 0;
    int peers = Math.max(parties - 1, 1);
    for (Instr in : plan.getInstrsList()) {
      long[] out = new long[Math.max(1, in.getDstCount())];
      long work = 0; // words of the step's working arrays
      switch (in.getOp()) {
        case LOAD -> out[0] = in.getLength() > 0 ? in.getLength() : storedLength.applyAsLong(in.getName());
        case SHARE -> {
          out[0] = in.getLength() > 0 ? in.getLength() : UNKNOWN_LENGTH; // PlanRunner holds a share to the declared length
          work = 2 * out[0];
        }
        case CONST, GATHER -> out[0] = in.getConstant().size() / 8;
        case ADD, SUB -> out[0] = Math.max(len(regs, in, 0), len(regs, in, 1));
        case NEG -> out[0] = len(regs, in, 0);
        case MUL_PUBLIC -> out[0] = Math.max(len(regs, in, 0), in.getConstant().size() / 8);
        case SUM -> out[0] = 1;
        case SLICE -> out[0] = in.getLength();
        case LOOKUP -> out[0] = len(regs, in, 0) / Math.max(1, in.getConstant().size() / 8);
        case CONCAT -> {
          for (int k = 0; k < in.getSrcCount(); k++) out[0] += len(regs, in, k);
        }
        case MUL -> {
          long n = 0;
          for (int k = 0; k < out.length; k++) n += out[k] = Math.max(len(regs, in, 2 * k), len(regs, in, 2 * k + 1));
          work = n * (10 + 2 * peers); // flattened x and y, triple and correction, d|e sent and summed, peers' d|e
        }
        case MATMUL -> {
          long[] dims = in.getConstant().size() == 24L * out.length ? Packing.fromBytes(in.getConstant().asReadOnlyByteBuffer()) : new long[3 * out.length];
          long opened = 0;
          for (int k = 0; k < out.length; k++) {
            long n = clamp(dims[3 * k]), m = clamp(dims[3 * k + 1]), kk = clamp(dims[3 * k + 2]);
            out[k] = n * kk;
            opened += n * m + m * kk;
            work += 4 * n * kk + 2 * (n * m + m * kk); // C and the correction, D·B and A·E; A and B
          }
          work += opened * (2 + peers); // masked differences sent, their sum, and every peer's
        }
        case TRUNC, COMPARE, NORM -> {
          long n = 0;
          for (int k = 0; k < out.length; k++) n += out[k] = len(regs, in, k);
          if (in.getOp() == smpc.proto.Op.TRUNC) work = n * (6 + peers);
          else if (in.getOp() == smpc.proto.Op.COMPARE) work = n * (14 + 2 * peers);
          else {
            long m = Math.max(2, Math.min(62, in.getLength())) + 1;
            for (int k = 0; k < out.length; k++) out[k] *= m;
            work = n * (4 * m + 12 + 2 * peers);
          }
        }
        case REVEAL -> {
          long n = len(regs, in, 0);
          work = n * (1 + peers); // the packed share sent, or the sum and every peer's share
          held += 2 * n; // the revealed output, and the stored result if it keeps one
        }
        case STORE -> held += len(regs, in, 0);
        case FREE -> {
          for (int r : in.getSrcList()) live -= regs.getOrDefault(r, 0L);
          in.getSrcList().forEach(regs::remove);
        }
        default -> { }
      }
      long fresh = 0;
      for (long n : out) fresh += n;
      peak = Math.max(peak, live + held + work + fresh);
      for (int k = 0; k < in.getDstCount(); k++) {
        Long old = regs.put(in.getDst(k), out[k]);
        live += out[k] - (old == null ? 0 : old);
      }
    }
    return 8 * peak;
  }

  private static long clamp(long dim) {
    return Math.max(0, Math.min(dim, Limits.MAX_LENGTH));
  }

  private static long len(Map<Integer, Long> regs, Instr in, int k) {
    return k < in.getSrcCount() ? regs.getOrDefault(in.getSrc(k), 0L) : 0;
  }
}
