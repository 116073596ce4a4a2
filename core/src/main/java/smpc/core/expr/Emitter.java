package smpc.core.expr;

import com.google.protobuf.ByteString;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import smpc.core.expr.Compiler.Compiled;
import smpc.core.expr.Compiler.Output;
import smpc.core.protocol.Costs;
import smpc.core.ring.Packing;
import smpc.proto.DType;
import smpc.proto.Instr;
import smpc.proto.Op;
import smpc.proto.Plan;
import smpc.proto.TruncRun;
import smpc.proto.ValueInfo;

/**
 * Nodes to a plan. Each node is scheduled in the first round its inputs allow (a multiplication,
 * truncation, comparison or NORM one round after its latest input), and each round's multiplications,
 * comparisons, and truncations and NORMs of each width travel as one instruction each, so a round is one
 * exchange of messages. Registers are allocated in that order (a public constant's when it is first
 * read) and freed right after their last use.
 */
final class Emitter {
  private final List<Node> nodes;
  private final int[] rounds; // by position in nodes
  private final Map<Node, Integer> regs = new IdentityHashMap<>();
  private final List<Instr.Builder> code = new ArrayList<>();
  private final List<TruncRun> runs = new ArrayList<>();
  private final MaterialCount material = new MaterialCount();
  private SharedMasks masks;
  private int nextReg;

  private Emitter(List<Node> nodes) {
    this.nodes = nodes;
    this.rounds = new int[nodes.size()];
    Map<Node, Integer> position = new IdentityHashMap<>();
    for (int k = 0; k < rounds.length; k++) {
      Node n = nodes.get(k);
      int r = 0;
      for (Node in : n.inputs()) r = Math.max(r, rounds[position.get(in)]); // inputs are made first
      rounds[k] = communicates(n) ? r + 1 : r;
      position.put(n, k);
    }
  }

  /** The plan computing {@code roots}, one per output, each a matrix of {@code cols} columns or a vector (0). */
  static Compiled emit(List<Node> nodes, List<Output> outputs, List<Node> roots, List<Integer> cols) {
    Emitter e = new Emitter(nodes);
    e.masks = new SharedMasks(nodes, roots);
    int maxRound = 0;
    for (int k = 0; k < e.rounds.length; k++) {
      maxRound = Math.max(maxRound, e.rounds[k]);
      Node n = nodes.get(k);
      if (n instanceof Node.Load l) e.input(Op.LOAD, l, l.info());
      if (n instanceof Node.Share s) e.input(Op.SHARE, s, s.info()).setParty(s.info().getOwner());
    }
    // each round's nodes in order, found once: scanning every node for every round was quadratic (a 5-epoch
    // training session's ~2,000 rounds of ~60,000 nodes took 0.26–0.38 s to compile on a warm client)
    int[] count = new int[maxRound + 1];
    for (int r : e.rounds) count[r]++;
    int[][] byRound = new int[maxRound + 1][];
    for (int r = 0; r <= maxRound; r++) byRound[r] = new int[count[r]];
    java.util.Arrays.fill(count, 0);
    for (int k = 0; k < e.rounds.length; k++) byRound[e.rounds[k]][count[e.rounds[k]]++] = k;
    for (int r = 0; r <= maxRound; r++) e.round(byRound[r]);
    List<Integer> lengths = new ArrayList<>(), scales = new ArrayList<>();
    for (int k = 0; k < outputs.size(); k++) {
      Node root = roots.get(k);
      lengths.add(root.len());
      scales.add(root.scale());
      if (outputs.get(k).letAs() == null) e.output(outputs.get(k), root, cols.get(k));
    }
    e.material.check();
    Plan.Builder plan = Plan.newBuilder().addAllInstrs(withFrees(e.code));
    Plan p = e.material.writeTo(plan).addAllTruncRuns(e.runs).build();
    return new Compiled(p, Costs.rounds(p), lengths, scales);
  }

  private static boolean communicates(Node n) {
    return n instanceof Node.Mul || n instanceof Node.MatMul || n instanceof Node.Trunc || n instanceof Node.LessThanZero || n instanceof Node.EqualsZero
        || n instanceof Node.Norm;
  }

  private Instr.Builder input(Op op, Node n, ValueInfo info) {
    Instr.Builder i = Instr.newBuilder().setOp(op).addDst(allocate(n))
        .setName(info.getName()).setLength(info.getLength()).setDtype(info.getDtype()) // what the plan assumes
        .addAllProvenance(smpc.core.protocol.Disclosure.recorded(info)); // whose consent its outputs need
    code.add(i);
    return i;
  }

  /** A round (its nodes' positions, increasing): its communicating instructions, then its local ones (which may read their results). */
  private void round(int[] ks) {
    Instr.Builder mul = Instr.newBuilder().setOp(Op.MUL);
    Map<Integer, Instr.Builder> truncsByBits = new TreeMap<>(); // one instruction per bits dropped
    Map<Integer, Long> truncLengths = new HashMap<>();
    Map<Integer, Instr.Builder> normsByBits = new TreeMap<>();
    Instr.Builder cmp = Instr.newBuilder().setOp(Op.COMPARE);
    Instr.Builder matmul = Instr.newBuilder().setOp(Op.MATMUL);
    List<Long> dims = new ArrayList<>();
    ByteArrayOutputStream modes = new ByteArrayOutputStream();
    for (int k : ks) {
      Node n = nodes.get(k);
      if (!communicates(n)) continue;
      int dst = allocate(n);
      if (n instanceof Node.Mul m) {
        mul.addDst(dst).addSrc(reg(m.x())).addSrc(reg(m.y()));
        material.mul(m);
      } else if (n instanceof Node.MatMul m) {
        matmul.addDst(dst).addSrc(reg(masks.left(m))).addSrc(reg(m.y()));
        dims.addAll(List.of((long) m.n(), (long) m.m(), (long) m.k()));
        material.matmul(m, masks.shape(m));
      } else if (n instanceof Node.Trunc t) {
        truncsByBits.computeIfAbsent(t.bits(), b -> Instr.newBuilder().setOp(Op.TRUNC).setScale(b)).addDst(dst).addSrc(reg(t.x()));
        truncLengths.merge(t.bits(), (long) t.len(), Long::sum);
        material.trunc(t);
      } else if (n instanceof Node.Norm nm) {
        normsByBits.computeIfAbsent(nm.bits(), b -> Instr.newBuilder().setOp(Op.NORM).setLength(b)).addDst(dst).addSrc(reg(nm.x()));
        material.norm(nm);
      } else {
        cmp.addDst(dst).addSrc(reg(n.inputs().get(0)));
        modes.write(n instanceof Node.LessThanZero ? 0 : 1);
        material.compare(n);
      }
    }
    if (mul.getDstCount() > 0) code.add(mul);
    if (matmul.getDstCount() > 0) {
      code.add(matmul.setConstant(Packing.toByteString(dims.stream().mapToLong(Long::longValue).toArray())));
    }
    for (var t : truncsByBits.entrySet()) {
      code.add(t.getValue());
      runs.add(TruncRun.newBuilder().setBits(t.getKey()).setCount(truncLengths.get(t.getKey())).build());
    }
    material.endRound();
    if (cmp.getDstCount() > 0) code.add(cmp.setModes(ByteString.copyFrom(modes.toByteArray())));
    code.addAll(normsByBits.values());
    for (int k : ks) {
      Node n = nodes.get(k);
      if (!communicates(n) && !(n instanceof Node.Const) && !regs.containsKey(n) && !masks.dead(n)) code.add(local(n));
    }
  }

  private Instr.Builder local(Node n) {
    Instr.Builder i = Instr.newBuilder().addDst(allocate(n)).addSrc(reg(n.inputs().get(0)));
    if (n instanceof Node.Add a) return i.setOp(Op.ADD).addSrc(reg(a.y()));
    if (n instanceof Node.Sub s) return i.setOp(Op.SUB).addSrc(reg(s.y()));
    if (n instanceof Node.Neg) return i.setOp(Op.NEG);
    if (n instanceof Node.Sum) return i.setOp(Op.SUM);
    if (n instanceof Node.MulPublic m) return i.setOp(Op.MUL_PUBLIC).setConstant(Packing.toByteString(m.k().value()));
    if (n instanceof Node.Slice s) return i.setOp(Op.SLICE).setOffset(s.offset()).setLength(s.len());
    if (n instanceof Node.Concat c) return i.setOp(Op.CONCAT).addSrc(reg(c.b()));
    if (n instanceof Node.Lookup l) return i.setOp(Op.LOOKUP).setConstant(Packing.toByteString(l.table()));
    if (n instanceof Node.Gather g) return gather(i.setOp(Op.GATHER), g.indices(), g.x().len());
    throw new IllegalStateException(n.getClass().getSimpleName());
  }

  /** A GATHER as a pattern when its indices repeat each element or tile the vector (8 bytes, not 8 a pair), else as they are. */
  private static Instr.Builder gather(Instr.Builder i, long[] idx, int n) {
    if (n > 0 && idx.length > n && idx.length % n == 0) {
      long k = idx.length / n;
      boolean repeat = true, tile = true;
      for (int t = 0; t < idx.length && (repeat || tile); t++) {
        repeat &= idx[t] == t / k;
        tile &= idx[t] == t % n;
      }
      byte pattern = repeat ? smpc.core.protocol.Rearranging.REPEAT : tile ? smpc.core.protocol.Rearranging.TILE : 0;
      if (pattern != 0) return i.setModes(com.google.protobuf.ByteString.copyFrom(new byte[] {pattern})).setConstant(Packing.toByteString(new long[] {k}));
    }
    return i.setConstant(Packing.toByteString(idx));
  }

  /** Stores and reveals an output as it asks (a let-output is only a name for later outputs). */
  private void output(Output o, Node root, int cols) {
    int reg = reg(root);
    DType dtype = root.scale() == 0 ? DType.INT : DType.REAL;
    if (o.storeAs() != null) {
      code.add(Instr.newBuilder().setOp(Op.STORE).addSrc(reg).setName(o.storeAs()).setDtype(dtype).setCols(cols)
          .setOwner(o.revealTo() != null ? o.revealTo() : ""));
    }
    if (o.revealTo() != null) {
      Instr.Builder i = Instr.newBuilder().setOp(Op.REVEAL).addSrc(reg).setParty(o.revealTo()).setDtype(dtype)
          .setScale(root.scale()).setCols(cols);
      if (o.keepAs() != null) i.setName(o.keepAs());
      code.add(i);
    }
  }

  private int allocate(Node n) {
    int r = nextReg++;
    regs.put(n, r);
    return r;
  }

  /** The register of a node; a public constant gets a CONST instruction the first time it is needed. */
  private int reg(Node n) {
    Integer r = regs.get(n);
    if (r == null && n instanceof Node.Const k) {
      r = allocate(k);
      code.add(Instr.newBuilder().setOp(Op.CONST).addDst(r).setConstant(Packing.toByteString(k.value())));
    }
    return r;
  }

  /** Frees each register right after its last use, so long plans on big vectors keep memory low. */
  private static List<Instr> withFrees(List<Instr.Builder> code) {
    Map<Integer, Integer> lastUse = new HashMap<>();
    for (int i = 0; i < code.size(); i++) for (int r : code.get(i).getSrcList()) lastUse.put(r, i);
    List<Instr> out = new ArrayList<>();
    for (int i = 0; i < code.size(); i++) {
      Instr.Builder in = code.get(i);
      out.add(in.build());
      Instr.Builder free = Instr.newBuilder().setOp(Op.FREE);
      for (int r : new HashSet<>(in.getSrcList())) if (lastUse.get(r) == i) free.addSrc(r);
      if (free.getSrcCount() > 0) out.add(free.build());
    }
    return out;
  }
}
