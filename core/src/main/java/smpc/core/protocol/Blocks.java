package smpc.core.protocol;

import java.util.EnumSet;
import java.util.HashSet;
import java.util.Set;
import smpc.proto.Instr;
import smpc.proto.Op;
import smpc.proto.Plan;

/**
 * Which plans run in blocks of elements, so that a party's registers hold one block at a time rather than
 * whole vectors. A plan streams when every instruction is elementwise — element i of every output depends
 * only on element i of the inputs — and every register has the plan's one length N (or is a public
 * length-1 constant that broadcasts): then running the whole plan on elements [kB, (k+1)B) for each block k
 * in turn computes exactly what one run on all N elements computes. Each block takes its dealer material
 * after the previous block's, at every party in the same order, so the streams stay in lockstep.
 *
 * <p>A SUM streams too, when nothing before the plan's tail reads it: each block adds its part to the sum (a
 * share of a sum is the sum of the shares), and the tail, the steps after the last one on a vector, runs once
 * after the last block on the finished sums (a dot product, a mean, a count, a comparison of sums).
 *
 * <p>What does not stream, and runs on whole vectors as before (with its memory checked up front): SLICE,
 * CONCAT, GATHER, LOOKUP, NORM and MATMUL on vectors, whose elements depend on other positions; a plan that
 * uses a sum before it is done with its vectors (x − mean(x), which needs two passes); plans whose LOADs or
 * SHAREs do not declare their lengths (every party must decide alike before any message); vectors of different
 * lengths in one plan (a secret length-1 value broadcast over a vector); and plans whose truncations on vectors
 * drop different numbers of bits, since the dealer's truncation schedule follows whole instructions and a
 * block order would interleave them.
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

  /**
   * How a plan runs in blocks of {@code block}: its length N when it streams (N > block), else 0 (it runs whole);
   * how many times a party runs its instructions before the tail (once per block, or once); and where its tail
   * begins, the instructions after the last one that touches a vector of length N, which run once after every
   * block on the sums the blocks added up (the whole plan's length when it does not stream, or has no tail).
   */
  public record Layout(long length, long blocks, int tail) {}

  /** The last layout worked out, and of what: a party asks three times per session (admission, progress, run). */
  private record Last(java.lang.ref.WeakReference<Plan> plan, int block, Layout layout) {} // weak: a plan may carry large constants

  private static volatile Last last;

  /**
   * The plan's {@link Layout}: every party reaches the same from the same plan. Kept for the last plan object asked
   * about (a parsed plan never changes, so the same object has the same layout); concurrent sessions only replace it.
   */
  public static Layout layout(Plan plan, int block) {
    Last l = last;
    if (l != null && l.plan.get() == plan && l.block == block) return l.layout;
    Layout layout = layoutOf(plan, block);
    last = new Last(new java.lang.ref.WeakReference<>(plan), block, layout);
    return layout;
  }

  private static Layout layoutOf(Plan plan, int block) {
    long n = longest(plan);
    int tail = n > 1 ? tailOf(plan, n) : plan.getInstrsCount();
    if (n <= block || !uniform(plan, n, tail)) return new Layout(0, 1, plan.getInstrsCount());
    return new Layout(n, (n + block - 1) / block, tail);
  }

  /** N when the plan streams in blocks of {@code block} (N > block), else 0: it runs whole. */
  public static long length(Plan plan, int block) {
    return layout(plan, block).length();
  }

  /** How many times a party runs the plan's instructions: once per block, or once. */
  public static long count(Plan plan, int block) {
    return layout(plan, block).blocks();
  }

  /**
   * The rounds of a plan run in blocks of {@code block}: each block's, except that a SHARE's seed travels
   * once (the later blocks expand further along the same seed), and the tail and the commit round once.
   */
  public static int rounds(Plan plan, int block) {
    Layout layout = layout(plan, block);
    long rounds = 0;
    Instr prev = null;
    for (int pc = 0; pc < plan.getInstrsCount(); pc++) {
      Instr in = plan.getInstrs(pc);
      int r = Costs.rounds(in, prev);
      rounds += in.getOp() == Op.SHARE || pc >= layout.tail() ? r : r * layout.blocks();
      prev = in;
    }
    return Math.toIntExact(rounds + (Outputs.keptAnywhere(plan) ? 1 : 0));
  }

  /** The longest register or constant of the plan. */
  private static long longest(Plan plan) {
    Lengths regs = new Lengths(name -> 0, name -> 0, MatrixSchedule.of(plan.getMatShapesList())); // an undeclared length is 0: such a plan does not stream
    long n = 0;
    for (Instr in : plan.getInstrsList()) {
      long[] out = regs.of(in);
      for (long k : out) n = Math.max(n, k);
      n = Math.max(n, in.getConstant().size() / 8);
      regs.apply(in, out);
    }
    return n;
  }

  /** One past the last instruction with a source, destination or constant of length n. */
  private static int tailOf(Plan plan, long n) {
    Lengths regs = new Lengths(name -> 0, name -> 0, MatrixSchedule.of(plan.getMatShapesList()));
    int tail = 0;
    for (int pc = 0; pc < plan.getInstrsCount(); pc++) {
      Instr in = plan.getInstrs(pc);
      long[] out = regs.of(in);
      boolean touches = in.getConstant().size() / 8 == n;
      for (long k : out) touches |= k == n;
      for (int k = 0; k < in.getSrcCount(); k++) touches |= regs.source(in, k) == n;
      if (touches) tail = pc + 1;
      regs.apply(in, out);
    }
    return tail;
  }

  /**
   * Before the tail: every instruction is elementwise or a SUM of a vector of length n, every register and
   * constant has length n except public length-1 values (constants, and local steps on them only), which every
   * block recomputes alike, every protocol step and output works on length n, no step reads or overwrites a sum (complete only
   * after the last block), and every truncation drops the same bits (the dealer's truncation schedule follows
   * whole instructions, and blocks interleave them). The tail: no LOAD or SHARE, and every step reads only the
   * sums and what the tail itself computes, so it runs once exactly as in a whole run, its dealer material
   * taken after all the blocks' as a whole run takes it after theirs.
   */
  private static boolean uniform(Plan plan, long n, int tail) {
    Lengths regs = new Lengths(name -> 0, name -> 0, MatrixSchedule.of(plan.getMatShapesList()));
    Set<Integer> constants = new HashSet<>(), sums = new HashSet<>(), later = new HashSet<>();
    int bits = -1;
    for (int pc = 0; pc < plan.getInstrsCount(); pc++) {
      Instr in = plan.getInstrs(pc);
      Op op = in.getOp();
      long[] out = regs.of(in);
      if (pc >= tail) {
        if (op == Op.LOAD || op == Op.SHARE) return false;
        if (op != Op.FREE && !in.getSrcList().stream().allMatch(r -> sums.contains(r) || later.contains(r))) return false;
        later.addAll(in.getDstList());
        regs.apply(in, out);
        continue;
      }
      if (!ELEMENTWISE.contains(op) && op != Op.SUM) return false;
      // a sum is complete only after the last block, and the tail must find the one a whole run leaves there
      if (in.getSrcList().stream().anyMatch(sums::contains) || in.getDstList().stream().anyMatch(sums::contains)) return false;
      if (op == Op.TRUNC) {
        if (bits >= 0 && in.getScale() != bits) return false;
        bits = in.getScale();
      }
      if (op == Op.SUM) {
        if (in.getSrcCount() != 1 || in.getDstCount() != 1 || regs.source(in, 0) != n) return false;
        sums.add(in.getDst(0));
        regs.apply(in, out);
        continue;
      }
      long constant = in.getConstant().size() / 8;
      if ((op == Op.CONST || op == Op.MUL_PUBLIC) && constant != n && constant != 1) return false;
      boolean local = op == Op.CONST || op == Op.ADD || op == Op.SUB || op == Op.NEG || op == Op.MUL_PUBLIC;
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
