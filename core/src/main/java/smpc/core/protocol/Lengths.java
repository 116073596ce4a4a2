package smpc.core.protocol;

import java.util.HashMap;
import java.util.Map;
import java.util.function.ToLongFunction;
import smpc.proto.Instr;
import smpc.proto.Op;

/**
 * The element count of every register of a plan, followed before it runs as {@link PlanRunner} sets and
 * frees them: every register is an int64 vector whose length the plan and the stored inputs determine
 * (operands of length 1 broadcast, as in Ring). What the heap estimate and the cost preview both count.
 */
final class Lengths {
  private final Map<Integer, Long> regs = new HashMap<>(); // register -> elements
  private final ToLongFunction<String> loaded;
  private final ToLongFunction<String> shared;
  private final MatrixSchedule matrices;
  private int products; // MATMUL products before the current instruction: the index of its first triple
  private long cap;
  private long live;

  /**
   * @param loaded the length of a stored value a LOAD without a declared length reads
   * @param shared the length of a private value a SHARE without a declared length splits
   * @param matrices the plan's matrix triples: which products open a mask, which reuse one
   */
  Lengths(ToLongFunction<String> loaded, ToLongFunction<String> shared, MatrixSchedule matrices) {
    this(loaded, shared, matrices, Long.MAX_VALUE);
  }

  /** Lengths as one block of a streamed plan has them: at most {@code cap} (the block size) elements. */
  Lengths(ToLongFunction<String> loaded, ToLongFunction<String> shared, MatrixSchedule matrices, long cap) {
    this.loaded = loaded;
    this.shared = shared;
    this.matrices = matrices;
    this.cap = cap;
  }

  /** Lengths from here on as a whole run has them (a streamed plan's tail, which runs once). */
  void uncap() {
    cap = Long.MAX_VALUE;
  }

  /** The lengths of {@code in}'s destinations (a NORM's: bits + 1 per element), from its sources'. */
  long[] of(Instr in) {
    long[] out = new long[Math.max(1, in.getDstCount())];
    switch (in.getOp()) {
      case LOAD -> out[0] = in.getLength() > 0 ? in.getLength() : loaded.applyAsLong(in.getName());
      case SHARE -> out[0] = in.getLength() > 0 ? in.getLength() : shared.applyAsLong(in.getName());
      case CONST -> out[0] = in.getConstant().size() / 8;
      case GATHER -> out[0] = in.getModes().isEmpty() ? in.getConstant().size() / 8 : patternLength(in);
      case ADD, SUB -> out[0] = Math.max(source(in, 0), source(in, 1));
      case NEG -> out[0] = source(in, 0);
      case MUL_PUBLIC -> out[0] = Math.max(source(in, 0), in.getConstant().size() / 8);
      case SUM -> out[0] = 1;
      case SLICE -> out[0] = in.getLength();
      case LOOKUP -> out[0] = source(in, 0) / Math.max(1, in.getConstant().size() / 8);
      case CONCAT -> {
        for (int k = 0; k < in.getSrcCount(); k++) out[0] += source(in, k);
      }
      case MUL -> {
        for (int k = 0; k < out.length; k++) out[k] = Math.max(source(in, 2 * k), source(in, 2 * k + 1));
      }
      case TRUNC, COMPARE -> {
        for (int k = 0; k < out.length; k++) out[k] = source(in, k);
      }
      case MATMUL -> {
        long[] dims = matmulDims(in);
        for (int k = 0; k < out.length; k++) out[k] = dims[3 * k] * dims[3 * k + 2];
      }
      case NORM -> {
        long m = normWidth(in);
        for (int k = 0; k < out.length; k++) out[k] = source(in, k) * m;
      }
      default -> { }
    }
    for (int k = 0; k < out.length; k++) out[k] = Math.min(out[k], cap);
    return out;
  }

  /**
   * The elements one communicating step works on, its sources flattened into one vector: a MUL's products,
   * a TRUNC's, COMPARE's or NORM's inputs, a REVEAL's vector, a SHARE's, a MATMUL's masked operands; 0 for
   * the other instructions.
   */
  long elements(Instr in) {
    long n = 0;
    switch (in.getOp()) {
      case SHARE, MUL, TRUNC, COMPARE -> {
        for (long k : of(in)) n += k;
      }
      case NORM -> {
        for (int k = 0; k < in.getDstCount(); k++) n += source(in, k);
      }
      case REVEAL -> n = source(in, 0);
      case MATMUL -> n = matmul(in)[0];
      default -> { }
    }
    return n;
  }

  /**
   * A MATMUL's {elements opened: D and E, n·m + m·k per product, but a mask's whole value for the product
   * that opens it and no D for the later ones; elements of the views those products take of A and D;
   * elements of the masks it opens, which the session keeps with the value}.
   */
  long[] matmul(Instr in) {
    long[] dims = matmulDims(in), out = new long[3];
    for (int k = 0; k < in.getDstCount(); k++) {
      long n = dims[3 * k], m = dims[3 * k + 1], kk = dims[3 * k + 2];
      int t = products + k, g = t < matrices.size() ? (int) matrices.shape(t)[3] : 0;
      out[0] += m * kk + (g == 0 ? n * m : 0);
      if (g != 0) out[1] += 2 * n * m;
      if (g != 0 && matrices.opensMask(t)) {
        out[0] += matrices.maskLength(g);
        out[2] += matrices.maskLength(g);
      }
    }
    return out;
  }

  /** A MATMUL's n, m, k per product (its constant), each clamped to the largest vector; zeros when malformed. */
  static long[] matmulDims(Instr in) {
    long[] dims = new long[3 * Math.max(1, in.getDstCount())];
    if (in.getConstant().size() != 8L * dims.length) return dims; // PlanRunner refuses it
    long[] given = smpc.core.ring.Packing.fromBytes(in.getConstant().asReadOnlyByteBuffer());
    for (int i = 0; i < dims.length; i++) dims[i] = Math.max(0, Math.min(given[i], Limits.MAX_LENGTH));
    return dims;
  }

  /** Sets {@code in}'s destinations to {@code out} (as {@link #of} gave them), or forgets what a FREE frees. */
  void apply(Instr in, long[] out) {
    if (in.getOp() == Op.MATMUL) products += in.getDstCount();
    if (in.getOp() == Op.FREE) {
      for (int r : in.getSrcList()) {
        Long old = regs.remove(r);
        if (old != null) live -= old;
      }
      return;
    }
    for (int k = 0; k < in.getDstCount(); k++) {
      Long old = regs.put(in.getDst(k), out[k]);
      live += out[k] - (old == null ? 0 : old);
    }
  }

  /** Elements held in registers now. */
  long live() {
    return live;
  }

  /** Shares per element a NORM yields: the one-hot over its bits, then the sign. */
  static long normWidth(Instr in) {
    return Math.max(2, Math.min(62, in.getLength())) + 1;
  }

  /** A patterned GATHER's length; 0 for a malformed one, which the run refuses (as it does other malformed instructions). */
  private long patternLength(Instr in) {
    try {
      return Rearranging.checkedPatternLength(source(in, 0), in.getModes().byteAt(0), PlanRunner.patternCount(in));
    } catch (smpc.core.Failure e) {
      return 0;
    }
  }

  /** The length of {@code in}'s source k (0 when it has none). */
  long source(Instr in, int k) {
    return k < in.getSrcCount() ? regs.getOrDefault(in.getSrc(k), 0L) : 0;
  }
}
