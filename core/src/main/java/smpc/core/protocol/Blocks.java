package smpc.core.protocol;

import java.util.EnumSet;
import java.util.HashSet;
import java.util.Set;
import smpc.proto.Instr;
import smpc.proto.Op;
import smpc.proto.Plan;
import smpc.proto.TruncRun;

/**
 * Which plans run in blocks of elements, so that a party's registers hold one block at a time rather than
 * whole vectors. A plan streams when every instruction is elementwise — element i of every output depends
 * only on element i of the inputs — and every register has the plan's one length N (or is a public
 * length-1 constant that broadcasts): then running the whole plan on elements [kB, (k+1)B) for each block k
 * in turn computes exactly what one run on all N elements computes. Each block takes its dealer material
 * after the previous block's, at every party in the same order, so the streams stay in lockstep.
 *
 * <p>What does not stream, and runs on whole vectors as before (with its memory checked up front):
 * SUM, SLICE, CONCAT, GATHER, LOOKUP, NORM and MATMUL, whose elements depend on other positions; plans
 * whose LOADs or SHAREs do not declare their lengths (every party must decide alike before any message);
 * vectors of different lengths in one plan (a secret length-1 value broadcast over a vector); and plans
 * whose truncations drop different numbers of bits, since the dealer's truncation schedule follows whole
 * instructions and a block order would interleave them.
 */
public final class Blocks {
  /**
   * Elements per block in a party: 2^20, so W2 at 10^6 still runs as one block (as fast as before), and a
   * block's working arrays stay around 100-200 MB for the heaviest streamed step (a comparison).
   */
  public static final int DEFAULT = 1 << 20;

  private static final Set<Op> ELEMENTWISE = EnumSet.of(Op.LOAD, Op.SHARE, Op.CONST, Op.ADD, Op.SUB, Op.NEG,
      Op.MUL_PUBLIC, Op.MUL, Op.TRUNC, Op.COMPARE, Op.REVEAL, Op.STORE, Op.FREE);

  private Blocks() {}

  /** A block size must keep a comparison's AND pairs (64 elements to a word) the same in blocks as in one run. */
  static int check(int block) {
    if (block < 64 || block % 64 != 0) throw new IllegalArgumentException("block size must be a positive multiple of 64, not " + block);
    return block;
  }

  /** N when the plan streams in blocks of {@code block} (N > block), else 0: it runs whole. */
  public static long length(Plan plan, int block) {
    long n = streamedLength(plan);
    return n > block ? n : 0;
  }

  /** How many times a party runs the plan's instructions: once per block, or once. */
  public static long count(Plan plan, int block) {
    long n = length(plan, block);
    return n == 0 ? 1 : (n + block - 1) / block;
  }

  /**
   * The rounds of a plan run in blocks of {@code block}: each block's, except that a SHARE's seed travels
   * once (the later blocks expand further along the same seed), and the commit round once.
   */
  public static int rounds(Plan plan, int block) {
    long blocks = count(plan, block);
    long rounds = 0;
    Op prev = null;
    for (Instr in : plan.getInstrsList()) {
      int r = Costs.rounds(in, prev);
      rounds += in.getOp() == Op.SHARE ? r : r * blocks;
      prev = in.getOp();
    }
    return Math.toIntExact(rounds + (PlanRunner.storesAnywhere(plan) ? 1 : 0));
  }

  /** The one length every register of an elementwise plan has, or 0 when the plan is not elementwise. */
  private static long streamedLength(Plan plan) {
    int bits = -1;
    for (TruncRun r : plan.getTruncRunsList()) {
      if (bits >= 0 && r.getBits() != bits) return 0;
      bits = r.getBits();
    }
    Lengths regs = new Lengths(name -> 0, name -> 0, MatrixSchedule.of(plan.getMatShapesList())); // an undeclared length is 0: such a plan does not stream
    long n = 0;
    for (Instr in : plan.getInstrsList()) {
      if (!ELEMENTWISE.contains(in.getOp())) return 0;
      long[] out = regs.of(in);
      for (long k : out) n = Math.max(n, k);
      n = Math.max(n, in.getConstant().size() / 8);
      regs.apply(in, out);
    }
    return n > 1 && uniform(plan, n) ? n : 0;
  }

  /**
   * Every register and constant has length n, except public length-1 values (constants, and local steps on
   * them only), which every block recomputes alike; every protocol step and output works on length n.
   */
  private static boolean uniform(Plan plan, long n) {
    Lengths regs = new Lengths(name -> 0, name -> 0, MatrixSchedule.of(plan.getMatShapesList()));
    Set<Integer> constants = new HashSet<>();
    for (Instr in : plan.getInstrsList()) {
      Op op = in.getOp();
      long constant = in.getConstant().size() / 8;
      if ((op == Op.CONST || op == Op.MUL_PUBLIC) && constant != n && constant != 1) return false;
      boolean local = op == Op.CONST || op == Op.ADD || op == Op.SUB || op == Op.NEG || op == Op.MUL_PUBLIC;
      long[] out = regs.of(in);
      if (op == Op.FREE) {
        in.getSrcList().forEach(constants::remove);
        regs.apply(in, out);
        continue;
      }
      for (int k = 0; k < in.getSrcCount() && !local; k++) {
        if (regs.source(in, k) != n) return false; // a protocol step or an output on a vector of another length
      }
      boolean publicOnly = op == Op.CONST || (local && in.getSrcList().stream().allMatch(constants::contains));
      for (int k = 0; k < in.getDstCount(); k++) {
        if (out[k] == 1 && publicOnly) constants.add(in.getDst(k));
        else if (out[k] == n) constants.remove(in.getDst(k));
        else return false;
      }
      regs.apply(in, out);
    }
    return true;
  }
}
