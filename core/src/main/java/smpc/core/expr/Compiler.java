package smpc.core.expr;

import static smpc.core.Errors.invalid;
import static smpc.core.Errors.notFound;
import static smpc.core.Errors.precondition;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import smpc.core.ring.Packing;
import smpc.core.ring.Ring;
import smpc.proto.DType;
import smpc.proto.Instr;
import smpc.proto.Kind;
import smpc.proto.Op;
import smpc.proto.Plan;
import smpc.proto.ValueInfo;

/**
 * Compiles expressions into a plan with the fewest rounds: every multiplication whose inputs are
 * ready joins one Beaver round, public constants fold, and a value used twice is computed once.
 */
public final class Compiler {
  /**
   * One result: revealed to {@code revealTo} (who also keeps it as its private value {@code keepAs}
   * when that is set), kept shared under {@code storeAs}, or both.
   */
  public record Output(Expr expr, String revealTo, String keepAs, String storeAs) {
    public static Output reveal(Expr expr, String party) {
      return new Output(expr, party, null, null);
    }

    public static Output store(Expr expr, String name) {
      return new Output(expr, null, null, name);
    }
  }

  public record Compiled(Plan plan, int rounds, List<Integer> outputLengths) {}

  private enum K { LOAD, SHARE, PUBLIC, ADD, SUB, NEG, MULPUB, MUL, SUM }

  private static final class Node {
    final K kind;
    final Node[] in;
    final int len;
    final int round;
    long[] value; // PUBLIC only
    ValueInfo info; // LOAD, SHARE only
    int reg = -1;

    Node(K kind, int len, Node... in) {
      this.kind = kind;
      this.in = in;
      this.len = len;
      int r = 0;
      for (Node n : in) r = Math.max(r, n.round);
      this.round = kind == K.MUL ? r + 1 : r;
    }
  }

  private final List<String> parties;
  private final Function<String, ValueInfo> catalog;
  private final Map<Expr, Node> memo = new HashMap<>();
  private final List<Node> nodes = new ArrayList<>();

  private Compiler(List<String> parties, Function<String, ValueInfo> catalog) {
    this.parties = parties;
    this.catalog = catalog;
  }

  /**
   * @param parties the computing parties, in session order
   * @param catalog a value's metadata by name (SHARED with its parties, or PRIVATE with its owner), or null
   */
  public static Compiled compile(List<Output> outputs, List<String> parties, Function<String, ValueInfo> catalog) {
    if (parties.size() < 2) throw invalid("a computation needs at least 2 parties, got %s", parties);
    if (new HashSet<>(parties).size() != parties.size()) throw invalid("a party is listed twice in %s", parties);
    Compiler c = new Compiler(parties, catalog);
    List<Node> roots = new ArrayList<>();
    for (Output o : outputs) {
      if (o.revealTo() != null && !parties.contains(o.revealTo())) {
        throw invalid("cannot reveal to '%s': not one of the computing parties %s", o.revealTo(), parties);
      }
      roots.add(c.node(o.expr()));
    }
    return c.emit(outputs, roots);
  }

  private Node node(Expr e) {
    Node n = memo.get(e);
    if (n == null) {
      n = build(e);
      memo.put(e, n);
    }
    return n;
  }

  private Node build(Expr e) {
    if (e instanceof Expr.Num num) return constant(new long[] {num.value()});
    if (e instanceof Expr.Ref ref) return leaf(ref.name());
    if (e instanceof Expr.Neg neg) {
      Node x = node(neg.x());
      return x.kind == K.PUBLIC ? constant(Ring.neg(x.value)) : add(new Node(K.NEG, x.len, x));
    }
    if (e instanceof Expr.Bin bin) return binary(bin.op(), node(bin.left()), node(bin.right()), e);
    Expr.Call call = (Expr.Call) e;
    switch (call.fn()) {
      case "sum" -> {
        arity(call, 1);
        Node x = node(call.args().get(0));
        return x.kind == K.PUBLIC ? constant(new long[] {Ring.sum(x.value)}) : add(new Node(K.SUM, 1, x));
      }
      case "dot" -> {
        arity(call, 2);
        Node x = node(call.args().get(0)), y = node(call.args().get(1));
        if (x.len != y.len) throw invalid("dot needs vectors of equal length, got %d and %d in %s", x.len, y.len, Printer.show(e));
        Node p = node(Expr.mul(call.args().get(0), call.args().get(1)));
        return p.kind == K.PUBLIC ? constant(new long[] {Ring.sum(p.value)}) : add(new Node(K.SUM, 1, p));
      }
      default -> throw invalid("unknown function '%s' (known: sum, dot)", call.fn());
    }
  }

  private static void arity(Expr.Call call, int n) {
    if (call.args().size() != n) {
      throw invalid("%s takes %d argument%s, got %d", call.fn(), n, n == 1 ? "" : "s", call.args().size());
    }
  }

  private Node binary(char op, Node x, Node y, Expr where) {
    int len;
    try {
      len = Ring.broadcastLength(x.len, y.len);
    } catch (IllegalArgumentException ex) {
      throw invalid("vector lengths differ (%d and %d) in %s", x.len, y.len, Printer.show(where));
    }
    if (x.kind == K.PUBLIC && y.kind == K.PUBLIC) {
      return constant(switch (op) {
        case '+' -> Ring.add(x.value, y.value);
        case '-' -> Ring.sub(x.value, y.value);
        default -> Ring.mul(x.value, y.value);
      });
    }
    return switch (op) {
      case '+' -> add(new Node(K.ADD, len, x, y));
      case '-' -> add(new Node(K.SUB, len, x, y));
      default -> {
        if (x.kind == K.PUBLIC) yield add(new Node(K.MULPUB, len, y, x));
        if (y.kind == K.PUBLIC) yield add(new Node(K.MULPUB, len, x, y));
        yield add(new Node(K.MUL, len, x, y));
      }
    };
  }

  private Node constant(long[] v) {
    Node n = new Node(K.PUBLIC, v.length);
    n.value = v;
    return add(n);
  }

  private Node leaf(String name) {
    ValueInfo info = catalog.apply(name);
    if (info == null) throw notFound("unknown value name '%s'", name);
    if (info.getDtype() == DType.REAL) throw precondition("value '%s' is real; reals are not supported yet", name);
    K kind;
    if (info.getKind() == Kind.SHARED) {
      if (!new HashSet<>(info.getPartiesList()).equals(new HashSet<>(parties))) {
        throw precondition("value '%s' is shared among %s but the computation runs on %s; values shared among"
            + " different parties cannot be combined", name, info.getPartiesList(), parties);
      }
      kind = K.LOAD;
    } else {
      if (!parties.contains(info.getOwner())) {
        throw precondition("value '%s' is private to %s, who is not one of the computing parties %s",
            name, info.getOwner(), parties);
      }
      kind = K.SHARE;
    }
    if (info.getLength() < 1) throw precondition("value '%s' is empty", name);
    Node n = new Node(kind, Math.toIntExact(info.getLength()));
    n.info = info;
    return add(n);
  }

  private Node add(Node n) {
    nodes.add(n);
    return n;
  }

  private Compiled emit(List<Output> outputs, List<Node> roots) {
    Plan.Builder plan = Plan.newBuilder();
    int[] nextReg = {0};
    int maxRound = 0;
    boolean shares = false;
    for (Node n : nodes) {
      maxRound = Math.max(maxRound, n.round);
      if (n.kind == K.LOAD || n.kind == K.SHARE) {
        n.reg = nextReg[0]++;
        shares |= n.kind == K.SHARE;
        Instr.Builder i = Instr.newBuilder().setOp(n.kind == K.LOAD ? Op.LOAD : Op.SHARE).addDst(n.reg)
            .setName(n.info.getName());
        if (n.kind == K.SHARE) i.setParty(n.info.getOwner());
        plan.addInstrs(i);
      }
    }
    long triples = 0;
    for (int r = 0; r <= maxRound; r++) {
      Instr.Builder mul = Instr.newBuilder().setOp(Op.MUL);
      for (Node n : nodes) {
        if (n.kind != K.MUL || n.round != r) continue;
        n.reg = nextReg[0]++;
        mul.addDst(n.reg).addSrc(reg(n.in[0], plan, nextReg)).addSrc(reg(n.in[1], plan, nextReg));
        triples += n.len;
      }
      if (mul.getDstCount() > 0) plan.addInstrs(mul);
      for (Node n : nodes) {
        if (n.round != r || n.kind == K.MUL || n.kind == K.PUBLIC || n.reg >= 0) continue;
        n.reg = nextReg[0]++;
        Instr.Builder i = Instr.newBuilder().addDst(n.reg).addSrc(reg(n.in[0], plan, nextReg));
        switch (n.kind) {
          case ADD -> i.setOp(Op.ADD).addSrc(reg(n.in[1], plan, nextReg));
          case SUB -> i.setOp(Op.SUB).addSrc(reg(n.in[1], plan, nextReg));
          case NEG -> i.setOp(Op.NEG);
          case SUM -> i.setOp(Op.SUM);
          case MULPUB -> i.setOp(Op.MUL_PUBLIC).setConstant(Packing.toByteString(n.in[1].value));
          default -> throw new IllegalStateException(n.kind.toString());
        }
        plan.addInstrs(i);
      }
    }
    List<Integer> lengths = new ArrayList<>();
    boolean reveals = false;
    for (int k = 0; k < outputs.size(); k++) {
      Output o = outputs.get(k);
      Node root = roots.get(k);
      int reg = reg(root, plan, nextReg);
      lengths.add(root.len);
      if (o.storeAs() != null) {
        plan.addInstrs(Instr.newBuilder().setOp(Op.STORE).addSrc(reg).setName(o.storeAs()).setDtype(DType.INT)
            .setOwner(o.revealTo() != null ? o.revealTo() : ""));
      }
      if (o.revealTo() != null) {
        reveals = true;
        Instr.Builder i = Instr.newBuilder().setOp(Op.REVEAL).addSrc(reg).setParty(o.revealTo()).setDtype(DType.INT);
        if (o.keepAs() != null) i.setName(o.keepAs());
        plan.addInstrs(i);
      }
    }
    if (triples > smpc.core.protocol.Limits.MAX_LENGTH) {
      throw invalid("the computation needs %d multiplications, more than the %d one session may do; split it",
          triples, smpc.core.protocol.Limits.MAX_LENGTH);
    }
    plan.setTriples(triples);
    int rounds = (shares ? 1 : 0) + maxRound + (reveals ? 1 : 0);
    return new Compiled(plan.build(), rounds, lengths);
  }

  /** The register of a node; a public constant gets a CONST instruction the first time it is needed. */
  private static int reg(Node n, Plan.Builder plan, int[] nextReg) {
    if (n.reg < 0 && n.kind == K.PUBLIC) {
      n.reg = nextReg[0]++;
      plan.addInstrs(Instr.newBuilder().setOp(Op.CONST).addDst(n.reg).setConstant(Packing.toByteString(n.value)));
    }
    return n.reg;
  }
}
