package smpc.core.expr;

import static smpc.core.Errors.invalid;
import static smpc.core.Errors.notFound;
import static smpc.core.Errors.precondition;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import smpc.core.protocol.Limits;
import smpc.core.protocol.Material;
import smpc.core.protocol.PlanRunner;
import smpc.core.ring.Packing;
import smpc.core.ring.Ring;
import smpc.proto.DType;
import smpc.proto.Instr;
import smpc.proto.Kind;
import smpc.proto.Op;
import smpc.proto.Plan;
import smpc.proto.TruncRun;
import smpc.proto.ValueInfo;

/**
 * Compiles expressions into a plan with the fewest rounds: every multiplication (and every
 * truncation) whose inputs are ready joins one round, public constants fold, and a value used twice
 * is computed once. Reals are fixed point with f fractional bits; each value has a scale of 0
 * (integer), f or 2f bits. A product of two reals stays at scale 2f until it must shrink (before
 * another product, or to be stored), so a dot product or a revealed product costs no truncation at
 * all, or one for the whole sum.
 */
public final class Compiler {
  /**
   * One result: revealed to {@code revealTo} (who also keeps it as its private value {@code keepAs}
   * when that is set), kept shared under {@code storeAs}, or both; or, with {@code letAs}, a name that the
   * later outputs' expressions may use for this one (a step of an iteration), which is neither revealed
   * nor kept.
   */
  public record Output(Expr expr, String revealTo, String keepAs, String storeAs, String letAs) {
    public Output(Expr expr, String revealTo, String keepAs, String storeAs) {
      this(expr, revealTo, keepAs, storeAs, null);
    }

    public static Output let(String name, Expr expr) {
      return new Output(expr, null, null, null, name);
    }

    public static Output reveal(Expr expr, String party) {
      return new Output(expr, party, null, null);
    }

    public static Output store(Expr expr, String name) {
      return new Output(expr, null, null, name);
    }
  }

  /** The plan, its rounds, and each output's length and scale (fractional bits; 0 for integers). */
  public record Compiled(Plan plan, int rounds, List<Integer> outputLengths, List<Integer> outputScales) {}

  enum K { LOAD, SHARE, PUBLIC, ADD, SUB, NEG, MULPUB, MUL, SUM, TRUNC, LTZ, EQZ, SLICE, CONCAT, NORM, LOOKUP, GATHER }

  static final class Node {
    final K kind;
    final Node[] in;
    final int len;
    final int scale;
    final int round;
    long[] value; // PUBLIC only
    ValueInfo info; // LOAD, SHARE only
    int offset; // SLICE only; NORM: the bits examined
    long[] table; // LOOKUP: the table; GATHER: the indices
    int reg = -1;

    Node(K kind, int len, int scale, Node... in) {
      this.kind = kind;
      this.in = in;
      this.len = len;
      this.scale = scale;
      int r = 0;
      for (Node n : in) r = Math.max(r, n.round);
      this.round = kind == K.MUL || kind == K.TRUNC || kind == K.LTZ || kind == K.EQZ || kind == K.NORM ? r + 1 : r;
    }
  }

  private final List<String> parties;
  private final Function<String, ValueInfo> catalog;
  final int f;
  private final Functions functions;
  private final Statistics statistics;
  private final Matrices matrices;
  private final Map<Expr, Node> memo = new HashMap<>();
  private final Map<List<Object>, Node> truncated = new HashMap<>();
  private final Map<Node, Node> norms = new HashMap<>();
  private final Map<String, Node> lets = new HashMap<>();
  private final Map<Node, Node> ltz = new HashMap<>();
  private final Map<Node, Node> eqz = new HashMap<>();
  private final List<Node> nodes = new ArrayList<>();

  private Compiler(List<String> parties, Function<String, ValueInfo> catalog, int fracBits, Numerics numerics) {
    this.parties = parties;
    this.catalog = catalog;
    this.f = fracBits;
    this.functions = new Functions(this, numerics);
    this.statistics = new Statistics(this, functions);
    this.matrices = new Matrices(this, functions, statistics);
  }

  /** Integers only (no fixed-point reals): the default 16 fractional bits are never used. */
  public static Compiled compile(List<Output> outputs, List<String> parties, Function<String, ValueInfo> catalog) {
    return compile(outputs, parties, catalog, 16);
  }

  /**
   * @param parties the computing parties, in session order
   * @param catalog a value's metadata by name (SHARED with its parties, or PRIVATE with its owner), or null
   * @param fracBits the cluster's fixed-point fractional bits
   */
  public static Compiled compile(List<Output> outputs, List<String> parties, Function<String, ValueInfo> catalog,
      int fracBits) {
    return compile(outputs, parties, catalog, fracBits, Numerics.DEFAULT);
  }

  /** As above, with the numeric settings of division and the nonlinear functions. */
  public static Compiled compile(List<Output> outputs, List<String> parties, Function<String, ValueInfo> catalog,
      int fracBits, Numerics numerics) {
    if (parties.size() < 2) throw invalid("a computation needs at least 2 parties, got %s", parties);
    if (new HashSet<>(parties).size() != parties.size()) throw invalid("a party is listed twice in %s", parties);
    if (fracBits < 1 || fracBits > 30) throw invalid("fractional bits must be in [1, 30], got %d", fracBits);
    Compiler c = new Compiler(parties, catalog, fracBits, numerics);
    List<Node> roots = new ArrayList<>();
    for (Output o : outputs) {
      if (o.revealTo() != null && !parties.contains(o.revealTo())) {
        throw invalid("cannot reveal to '%s': not one of the computing parties %s", o.revealTo(), parties);
      }
      Node root = c.node(o.expr());
      // what is kept (shared or as a private value) is at scale 0 or f, like every stored value
      if (o.storeAs() != null || o.keepAs() != null) root = c.shrink(root);
      roots.add(root);
      if (o.letAs() != null) {
        if (c.lets.containsKey(o.letAs())) throw invalid("'%s' is defined twice", o.letAs());
        c.lets.put(o.letAs(), root);
      }
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
    if (e instanceof Expr.Num num) return constant(new long[] {num.value()}, 0);
    if (e instanceof Expr.Dec dec) return constant(new long[] {encode(dec.value(), e)}, f);
    if (e instanceof Expr.Ref ref) return lets.containsKey(ref.name()) ? lets.get(ref.name()) : leaf(ref.name());
    if (e instanceof Expr.Neg neg) {
      Node x = node(neg.x());
      return x.kind == K.PUBLIC ? constant(Ring.neg(x.value), x.scale) : add(new Node(K.NEG, x.len, x.scale, x));
    }
    if (e instanceof Expr.Bin bin) {
      Node l = node(bin.left()), r = node(bin.right());
      if (bin.op() == '/') return functions.divide(l, r, e);
      return "+-*".indexOf(bin.op()) >= 0 ? binary(bin.op(), l, r, e) : compare(bin.op(), l, r, e);
    }
    Expr.Call call = (Expr.Call) e;
    switch (call.fn()) {
      case "sum" -> {
        if (call.args().size() > 1) return sum(statistics.call("concat", args(call), e));
        arity(call, 1);
        Node x = node(call.args().get(0));
        return x.kind == K.PUBLIC ? constant(new long[] {Ring.sum(x.value)}, x.scale) : add(new Node(K.SUM, 1, x.scale, x));
      }
      case "dot" -> {
        arity(call, 2);
        Node x = node(call.args().get(0)), y = node(call.args().get(1));
        if (x.len != y.len) throw invalid("dot needs vectors of equal length, got %d and %d in %s", x.len, y.len, Printer.show(e));
        Node p = node(Expr.mul(call.args().get(0), call.args().get(1)));
        return p.kind == K.PUBLIC ? constant(new long[] {Ring.sum(p.value)}, p.scale) : add(new Node(K.SUM, 1, p.scale, p));
      }
      case "abs" -> { // x * (1 - 2 [x < 0])
        arity(call, 1);
        Node x = node(call.args().get(0));
        return binary('*', x, oneMinus(twice(less(x))), e);
      }
      case "sign" -> { // (1 - [x == 0]) - 2 [x < 0]: both comparisons in the same rounds
        arity(call, 1);
        Node x = node(call.args().get(0));
        return binary('-', oneMinus(zero(x)), twice(less(x)), e);
      }
      case "relu" -> { // x - [x < 0] * x
        arity(call, 1);
        Node x = node(call.args().get(0));
        return binary('-', x, binary('*', less(x), x, e), e);
      }
      case "min", "max" -> { // min = b + [a < b](a - b), max = a - [a < b](a - b)
        if (call.args().size() == 1) return reduce(node(call.args().get(0)), call.fn().equals("max"), false, e);
        arity(call, 2);
        Node a = node(call.args().get(0)), b = node(call.args().get(1));
        Node d = binary('-', a, b, e);
        Node pick = binary('*', less(d), d, e);
        return call.fn().equals("min") ? binary('+', b, pick, e) : binary('-', a, pick, e);
      }
      case "where" -> { // b + c (a - b), c a secret 0/1
        arity(call, 3);
        Node c = node(call.args().get(0)), a = node(call.args().get(1)), b = node(call.args().get(2));
        if (c.scale != 0) throw invalid("where's condition must be an integer 0/1, e.g. a comparison, in %s", Printer.show(e));
        return binary('+', b, binary('*', c, binary('-', a, b, e), e), e);
      }
      case "argmax", "argmin" -> {
        arity(call, 1);
        return reduce(node(call.args().get(0)), call.fn().equals("argmax"), true, e);
      }
      default -> {
        if (Statistics.NAMES.contains(call.fn())) return statistics.call(call.fn(), args(call), e);
        if (Matrices.NAMES.contains(call.fn())) return matrices.call(call.fn(), args(call), e);
        if (Functions.UNARY.contains(call.fn())) {
          arity(call, 1);
          return functions.call(call.fn(), node(call.args().get(0)), e);
        }
        throw invalid("unknown function '%s' (known: sum, dot, abs, sign, relu, min, max, argmax, argmin, where, %s, %s)",
            call.fn(), String.join(", ", Functions.UNARY), String.join(", ", Statistics.NAMES) + ", " + String.join(", ", Matrices.NAMES));
      }
    }
  }

  /**
   * The largest (or smallest) element of a vector, or its index (a secret integer; the first index
   * among equal extremes), by a tournament: each level compares the two halves elementwise in one
   * comparison step and selects with one multiplication round, ceil(log2 n) levels.
   */
  Node reduce(Node v, boolean max, boolean index, Expr where) {
    if (v.kind == K.PUBLIC) throw invalid("%s of a public vector: compute it in the clear", Printer.show(where));
    long[] positions = new long[v.len];
    for (int i = 0; i < positions.length; i++) positions[i] = i;
    Node vals = v, idx = constant(positions, 0);
    while (vals.len > 1) {
      int h = vals.len / 2;
      Node a = slice(vals, 0, h), b = slice(vals, h, h), ia = slice(idx, 0, h), ib = slice(idx, h, h);
      // take b where it wins strictly, so ties keep the earlier index
      Node takeB = less(max ? binary('-', a, b, where) : binary('-', b, a, where));
      Node nv = binary('+', a, binary('*', takeB, binary('-', b, a, where), where), where);
      Node ni = binary('+', ia, binary('*', takeB, binary('-', ib, ia, where), where), where);
      if (vals.len % 2 == 1) {
        nv = concat(nv, slice(vals, 2 * h, 1));
        ni = concat(ni, slice(idx, 2 * h, 1));
      }
      vals = nv;
      idx = ni;
    }
    return index ? idx : vals;
  }

  Node slice(Node x, int offset, int len) {
    if (x.kind == K.PUBLIC) return constant(java.util.Arrays.copyOfRange(x.value, offset, offset + len), x.scale);
    Node n = new Node(K.SLICE, len, x.scale, x);
    n.offset = offset;
    return add(n);
  }

  Node concat(Node a, Node b) {
    if (a.scale != b.scale) throw new IllegalStateException("concat of different scales");
    if (a.kind == K.PUBLIC && b.kind == K.PUBLIC) {
      long[] v = java.util.Arrays.copyOf(a.value, a.len + b.len);
      System.arraycopy(b.value, 0, v, a.len, b.len);
      return constant(v, a.scale);
    }
    return add(new Node(K.CONCAT, a.len + b.len, a.scale, a, b));
  }

  /** A comparison of two values: their difference compared with zero (exact; 0/1, an integer). */
  private Node compare(char op, Node x, Node y, Expr where) {
    Node d = switch (op) {
      case '<', 'g', '=', '!' -> binary('-', x, y, where);
      default -> binary('-', y, x, where); // >, <=
    };
    return switch (op) {
      case '<', '>' -> less(d);
      case 'l', 'g' -> oneMinus(less(d));
      case '=' -> zero(d);
      default -> oneMinus(zero(d));
    };
  }

  /** [x < 0] as a secret 0/1; one comparison per value, shared by all its uses. */
  Node less(Node x) {
    if (x.kind == K.PUBLIC) {
      long[] v = new long[x.len];
      for (int i = 0; i < v.length; i++) v[i] = x.value[i] < 0 ? 1 : 0;
      return constant(v, 0);
    }
    return ltz.computeIfAbsent(x, v -> add(new Node(K.LTZ, v.len, 0, v)));
  }

  /** [x == 0] as a secret 0/1. */
  Node zero(Node x) {
    if (x.kind == K.PUBLIC) {
      long[] v = new long[x.len];
      for (int i = 0; i < v.length; i++) v[i] = x.value[i] == 0 ? 1 : 0;
      return constant(v, 0);
    }
    return eqz.computeIfAbsent(x, v -> add(new Node(K.EQZ, v.len, 0, v)));
  }

  Node oneMinus(Node b) {
    return binary('-', constant(new long[] {1}, 0), b, null);
  }

  private Node twice(Node b) {
    return binary('*', constant(new long[] {2}, 0), b, null);
  }

  private long encode(BigDecimal x, Expr where) {
    return smpc.core.ring.FixedPoint.encode(x, f, "literal " + Printer.show(where));
  }

  private List<Node> args(Expr.Call call) {
    List<Node> out = new ArrayList<>();
    for (Expr a : call.args()) out.add(node(a));
    return out;
  }

  private static void arity(Expr.Call call, int n) {
    if (call.args().size() != n) {
      throw invalid("%s takes %d argument%s, got %d", call.fn(), n, n == 1 ? "" : "s", call.args().size());
    }
  }

  Node binary(char op, Node x, Node y, Expr where) {
    int len;
    try {
      len = Ring.broadcastLength(x.len, y.len);
    } catch (IllegalArgumentException ex) {
      throw invalid("vector lengths differ (%d and %d) in %s", x.len, y.len, Printer.show(where));
    }
    if (op == '*') return multiply(shrink(x), shrink(y), len);
    int scale = Math.max(x.scale, y.scale);
    x = rescale(x, scale);
    y = rescale(y, scale);
    if (x.kind == K.PUBLIC && y.kind == K.PUBLIC) {
      return constant(op == '+' ? Ring.add(x.value, y.value) : Ring.sub(x.value, y.value), scale);
    }
    return add(new Node(op == '+' ? K.ADD : K.SUB, len, scale, x, y));
  }

  /** x * y at scale x.scale + y.scale, without truncating either first (the caller bounds magnitudes). */
  Node mulRaw(Node x, Node y, Expr where) {
    int len;
    try {
      len = Ring.broadcastLength(x.len, y.len);
    } catch (IllegalArgumentException ex) {
      throw invalid("vector lengths differ (%d and %d) in %s", x.len, y.len, Printer.show(where));
    }
    if (x.kind == K.PUBLIC && y.kind == K.PUBLIC) return constant(Ring.mul(x.value, y.value), x.scale + y.scale);
    return multiply(x, y, len);
  }

  private Node multiply(Node x, Node y, int len) {
    int scale = x.scale + y.scale;
    if (x.kind == K.PUBLIC && y.kind == K.PUBLIC) {
      long[] p = Ring.mul(x.value, y.value);
      if (scale <= f) return constant(p, scale);
      for (int i = 0; i < p.length; i++) p[i] = Math.floorDiv(p[i] + (1L << (f - 1)), 1L << f); // exact public rounding
      return constant(p, f);
    }
    if (x.kind == K.PUBLIC) return add(new Node(K.MULPUB, len, scale, y, x));
    if (y.kind == K.PUBLIC) return add(new Node(K.MULPUB, len, scale, x, y));
    return add(new Node(K.MUL, len, scale, x, y));
  }

  /** Brings a value above scale f down to f (one truncation per value, shared by all its uses). */
  Node shrink(Node x) {
    return x.scale <= f ? x : trunc(x, x.scale - f);
  }

  /** x / 2^bits: a truncation (public values exactly rounded); the scale drops by {@code bits}. */
  Node trunc(Node x, int bits) {
    if (bits == 0) return x;
    if (x.kind == K.PUBLIC) {
      long[] p = x.value.clone();
      for (int i = 0; i < p.length; i++) p[i] = Math.floorDiv(p[i] + (1L << (bits - 1)), 1L << bits);
      return constant(p, x.scale - bits);
    }
    return truncated.computeIfAbsent(List.of(x, bits), k -> add(new Node(K.TRUNC, x.len, x.scale - bits, x)));
  }

  /** x at exactly {@code scale} fractional bits: raised exactly, or truncated. */
  Node toScale(Node x, int scale) {
    return x.scale <= scale ? rescale(x, scale) : trunc(x, x.scale - scale);
  }

  /** The same ring elements read at another scale: x * 2^(scale - x.scale), free. */
  Node relabel(Node x, int scale) {
    if (x.kind == K.PUBLIC) return constant(x.value, scale);
    Node n = add(new Node(K.MULPUB, x.len, scale, x, constant(new long[] {1}, 0)));
    return n;
  }

  /** For each element of x (|x| < 2^bits): the one-hot position of the top bit of |x| and [x < 0] (NORM). */
  Node norm(Node x, int bits) {
    return norms.computeIfAbsent(x, v -> {
      Node n = add(new Node(K.NORM, v.len * (bits + 1), 0, v));
      n.offset = bits;
      return n;
    });
  }

  /** Per element, the sum of a NORM's bits times a public table (local), at {@code scale}. */
  Node lookup(Node norm, long[] table, int scale) {
    Node n = add(new Node(K.LOOKUP, norm.len / table.length, scale, norm));
    n.table = table;
    return n;
  }

  /** The sum of a vector's elements (local). */
  Node sum(Node x) {
    return x.kind == K.PUBLIC ? constant(new long[] {Ring.sum(x.value)}, x.scale) : add(new Node(K.SUM, 1, x.scale, x));
  }

  /** x[idx[0]], x[idx[1]], ...: tiles, repeats and permutations (local). */
  Node gather(Node x, long[] idx) {
    if (x.kind == K.PUBLIC) {
      long[] v = new long[idx.length];
      for (int k = 0; k < v.length; k++) v[k] = x.value[(int) idx[k]];
      return constant(v, x.scale);
    }
    Node n = add(new Node(K.GATHER, idx.length, x.scale, x));
    n.table = idx;
    return n;
  }

  /** Sums of consecutive groups of {@code group} elements (local). */
  Node groupSums(Node x, int group) {
    long[] ones = new long[group];
    java.util.Arrays.fill(ones, 1);
    if (x.kind == K.PUBLIC) {
      long[] v = new long[x.len / group];
      for (int t = 0; t < v.length; t++) for (int i = 0; i < group; i++) v[t] += x.value[t * group + i];
      return constant(v, x.scale);
    }
    return lookup(x, ones, x.scale);
  }

  /** All the vectors one after the other. */
  Node concatAll(List<Node> xs) {
    Node out = xs.get(0);
    for (int k = 1; k < xs.size(); k++) {
      Node a = out, b = xs.get(k);
      int s = Math.max(a.scale, b.scale);
      out = concat(toScale(a, s), toScale(b, s));
    }
    return out;
  }

  /** A public constant vector, encoded at {@code scale} fractional bits. */
  Node real(double v, int scale) {
    return constant(new long[] {Math.round(Math.scalb(v, scale))}, scale);
  }

  Node integer(long v) {
    return constant(new long[] {v}, 0);
  }

  /** Raises a value to a larger scale by a public power of two (local, exact). */
  private Node rescale(Node x, int scale) {
    if (x.scale == scale) return x;
    long factor = 1L << (scale - x.scale);
    if (x.kind == K.PUBLIC) return constant(Ring.mul(x.value, new long[] {factor}), scale);
    return add(new Node(K.MULPUB, x.len, scale, x, constant(new long[] {factor}, 0)));
  }

  Node constant(long[] v, int scale) {
    Node n = new Node(K.PUBLIC, v.length, scale);
    n.value = v;
    return add(n);
  }

  private Node leaf(String name) {
    ValueInfo info = catalog.apply(name);
    if (info == null) throw notFound("unknown value name '%s'", name);
    int scale = 0;
    if (info.getDtype() == DType.REAL) {
      if (info.getFracBits() != f) {
        throw precondition("value '%s' is encoded with %d fractional bits but the cluster uses %d", name, info.getFracBits(), f);
      }
      scale = f;
    }
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
    Node n = new Node(kind, Math.toIntExact(info.getLength()), scale);
    n.info = info;
    return add(n);
  }

  private Node add(Node n) {
    nodes.add(n);
    return n;
  }

  private Compiled emit(List<Output> outputs, List<Node> roots) {
    List<Instr.Builder> code = new ArrayList<>();
    int[] nextReg = {0};
    int maxRound = 0;
    for (Node n : nodes) {
      maxRound = Math.max(maxRound, n.round);
      if (n.kind == K.LOAD || n.kind == K.SHARE) {
        n.reg = nextReg[0]++;
        Instr.Builder i = Instr.newBuilder().setOp(n.kind == K.LOAD ? Op.LOAD : Op.SHARE).addDst(n.reg)
            .setName(n.info.getName()).setLength(n.info.getLength()).setDtype(n.info.getDtype()); // what the plan assumes
        if (n.kind == K.SHARE) i.setParty(n.info.getOwner());
        code.add(i);
      }
    }
    EnumMap<Material, Long> material = new EnumMap<>(Material.class);
    List<TruncRun> runs = new ArrayList<>();
    for (int r = 0; r <= maxRound; r++) {
      Instr.Builder mul = Instr.newBuilder().setOp(Op.MUL);
      Map<Integer, Instr.Builder> truncsByBits = new java.util.TreeMap<>(); // one instruction per bits dropped
      Map<Integer, Long> truncLengths = new HashMap<>();
      Map<Integer, Instr.Builder> normsByBits = new java.util.TreeMap<>();
      Instr.Builder cmp = Instr.newBuilder().setOp(Op.COMPARE);
      long compared = 0; // elements of this round's COMPARE instruction
      java.io.ByteArrayOutputStream modes = new java.io.ByteArrayOutputStream();
      for (Node n : nodes) {
        if (n.round != r || n.reg >= 0) continue;
        if (n.kind == K.MUL) {
          n.reg = nextReg[0]++;
          mul.addDst(n.reg).addSrc(reg(n.in[0], code, nextReg)).addSrc(reg(n.in[1], code, nextReg));
          material.merge(Material.TRIPLE, (long) n.len, Long::sum);
        } else if (n.kind == K.TRUNC) {
          n.reg = nextReg[0]++;
          int bits = n.in[0].scale - n.scale;
          truncsByBits.computeIfAbsent(bits, b -> Instr.newBuilder().setOp(Op.TRUNC).setScale(b))
              .addDst(n.reg).addSrc(reg(n.in[0], code, nextReg));
          truncLengths.merge(bits, (long) n.len, Long::sum);
          material.merge(Material.TRUNC_PAIR, (long) n.len, Long::sum);
        } else if (n.kind == K.LTZ || n.kind == K.EQZ) {
          n.reg = nextReg[0]++;
          cmp.addDst(n.reg).addSrc(reg(n.in[0], code, nextReg));
          modes.write(n.kind == K.LTZ ? 0 : 1);
          material.merge(Material.COMPARE, (long) n.len, Long::sum);
          compared += n.len;
        } else if (n.kind == K.NORM) {
          n.reg = nextReg[0]++;
          normsByBits.computeIfAbsent(n.offset, b -> Instr.newBuilder().setOp(Op.NORM).setLength(b))
              .addDst(n.reg).addSrc(reg(n.in[0], code, nextReg));
          material.merge(Material.COMPARE, (long) n.in[0].len, Long::sum);
          material.merge(Material.AND_TRIPLE, (long) n.in[0].len * PlanRunner.andsPerNorm(n.offset), Long::sum);
          material.merge(Material.AND_PAIR, (long) n.in[0].len * PlanRunner.AND_PAIRS_PER_NORM, Long::sum);
          material.merge(Material.DABIT, (long) n.len, Long::sum);
        }
      }
      if (mul.getDstCount() > 0) code.add(mul);
      for (var t : truncsByBits.entrySet()) {
        code.add(t.getValue());
        runs.add(TruncRun.newBuilder().setBits(t.getKey()).setCount(truncLengths.get(t.getKey())).build());
      }
      material.merge(Material.AND_PAIR, PlanRunner.andPairsPerCompare(compared), Long::sum);
      if (cmp.getDstCount() > 0) code.add(cmp.setModes(com.google.protobuf.ByteString.copyFrom(modes.toByteArray())));
      code.addAll(normsByBits.values());
      for (Node n : nodes) {
        if (n.round != r || n.kind == K.MUL || n.kind == K.TRUNC || n.kind == K.LTZ || n.kind == K.EQZ
            || n.kind == K.NORM || n.kind == K.PUBLIC || n.reg >= 0) continue;
        n.reg = nextReg[0]++;
        Instr.Builder i = Instr.newBuilder().addDst(n.reg).addSrc(reg(n.in[0], code, nextReg));
        switch (n.kind) {
          case ADD -> i.setOp(Op.ADD).addSrc(reg(n.in[1], code, nextReg));
          case SUB -> i.setOp(Op.SUB).addSrc(reg(n.in[1], code, nextReg));
          case NEG -> i.setOp(Op.NEG);
          case SUM -> i.setOp(Op.SUM);
          case MULPUB -> i.setOp(Op.MUL_PUBLIC).setConstant(Packing.toByteString(n.in[1].value));
          case SLICE -> i.setOp(Op.SLICE).setOffset(n.offset).setLength(n.len);
          case CONCAT -> i.setOp(Op.CONCAT).addSrc(reg(n.in[1], code, nextReg));
          case LOOKUP -> i.setOp(Op.LOOKUP).setConstant(Packing.toByteString(n.table));
          case GATHER -> i.setOp(Op.GATHER).setConstant(Packing.toByteString(n.table));
          default -> throw new IllegalStateException(n.kind.toString());
        }
        code.add(i);
      }
    }
    List<Integer> lengths = new ArrayList<>(), scales = new ArrayList<>();
    for (int k = 0; k < outputs.size(); k++) {
      Output o = outputs.get(k);
      Node root = roots.get(k);
      lengths.add(root.len);
      scales.add(root.scale);
      if (o.letAs() != null) continue;
      int reg = reg(root, code, nextReg);
      DType dtype = root.scale == 0 ? DType.INT : DType.REAL;
      if (o.storeAs() != null) {
        code.add(Instr.newBuilder().setOp(Op.STORE).addSrc(reg).setName(o.storeAs()).setDtype(dtype)
            .setOwner(o.revealTo() != null ? o.revealTo() : ""));
      }
      if (o.revealTo() != null) {
        Instr.Builder i = Instr.newBuilder().setOp(Op.REVEAL).addSrc(reg).setParty(o.revealTo()).setDtype(dtype)
            .setScale(root.scale);
        if (o.keepAs() != null) i.setName(o.keepAs());
        code.add(i);
      }
    }
    if (material.values().stream().anyMatch(count -> count > Limits.MAX_LENGTH)) {
      throw invalid("the computation needs %s, more than one session may use (%d of each kind of dealer material); split it",
          material.entrySet().stream().filter(e -> e.getValue() > 0).map(e -> e.getValue() + " " + e.getKey().noun)
              .collect(java.util.stream.Collectors.joining(", ")), Limits.MAX_LENGTH);
    }
    Plan plan = Plan.newBuilder().addAllInstrs(withFrees(code)).addAllMaterial(Material.counts(material))
        .addAllTruncRuns(runs).build();
    return new Compiled(plan, PlanRunner.rounds(plan), lengths, scales);
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

  /** The register of a node; a public constant gets a CONST instruction the first time it is needed. */
  private static int reg(Node n, List<Instr.Builder> code, int[] nextReg) {
    if (n.reg < 0 && n.kind == K.PUBLIC) {
      n.reg = nextReg[0]++;
      code.add(Instr.newBuilder().setOp(Op.CONST).addDst(n.reg).setConstant(Packing.toByteString(n.value)));
    }
    return n.reg;
  }
}
