package smpc.core.protocol;

import static smpc.core.Errors.invalid;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import smpc.proto.Instr;

/**
 * One party's registers while a plan (or one block of it) runs: this party's shares, each an int64 vector.
 * A register may be deferred: an input share a peer sends is received when the register is first read, so
 * that sharing overlaps with what comes before its first use.
 */
final class Registers {
  private final Map<Integer, long[]> regs = new HashMap<>();
  private final Map<Integer, Runnable> pending = new HashMap<>();

  /** The register {@code in} writes as its destination k. */
  static int dst(Instr in, int k) {
    if (in.getDstCount() <= k) throw invalid("%s lacks its destination register", in.getOp());
    int r = in.getDst(k);
    if (r < 0 || r >= Limits.MAX_REGISTERS) throw invalid("register %d out of range", r);
    return r;
  }

  void set(Instr in, int k, long[] v) {
    put(dst(in, k), v);
  }

  void put(int r, long[] v) {
    pending.remove(r);
    regs.put(r, v);
  }

  /** Register r will be filled by {@code fill} (which puts it) when first read. */
  void defer(int r, Runnable fill) {
    pending.put(r, fill);
  }

  long[] src(Instr in, int k) {
    if (in.getSrcCount() <= k) throw invalid("%s lacks source operand %d", in.getOp(), k);
    return get(in.getSrc(k));
  }

  long[] get(int r) {
    Runnable p = pending.remove(r);
    if (p != null) p.run();
    long[] v = regs.get(r);
    if (v == null) throw invalid("plan reads register %d before setting it", r);
    return v;
  }

  void free(Instr in) {
    for (int r : in.getSrcList()) {
      regs.remove(r);
      pending.remove(r);
    }
  }

  /** Receives every deferred share (each share sent to this party is consumed), then forgets every register. */
  void drainAndClear() {
    for (Integer r : new ArrayList<>(pending.keySet())) get(r);
    regs.clear();
  }
}
