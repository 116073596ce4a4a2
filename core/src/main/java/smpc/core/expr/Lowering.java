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
import smpc.core.ring.FixedPoint;
import smpc.proto.DType;
import smpc.proto.Kind;
import smpc.proto.ValueInfo;

/**
 * Expressions to nodes: literals, names (stored values, or earlier let-outputs), operators and the
 * built-in functions, dispatched through {@link Builtin}. A repeated subexpression becomes one node.
 */
final class Lowering {
  private final Builder b;
  private final List<String> parties;
  private final Function<String, ValueInfo> catalog;
  private final Functions functions;
  private final Statistics statistics;
  private final Matrices matrices;
  private final Shapes shapes = new Shapes();
  private final LinearAlgebra algebra;
  private final Map<Expr, Node> memo = new HashMap<>();
  private final Map<String, Node> lets = new HashMap<>();

  Lowering(Builder b, List<String> parties, Function<String, ValueInfo> catalog, Numerics numerics) {
    this.b = b;
    this.parties = parties;
    this.catalog = catalog;
    this.functions = new Functions(b, numerics);
    this.statistics = new Statistics(b, functions);
    this.matrices = new Matrices(b, functions, statistics, shapes);
    this.algebra = new LinearAlgebra(b, shapes);
  }

  Node node(Expr e) {
    Node n = memo.get(e);
    if (n == null) {
      n = build(e);
      memo.put(e, n);
    }
    return n;
  }

  /** Names a result that later expressions may use. */
  /** A matrix's columns; 0 for a vector (a column). */
  int cols(Node n) {
    return shapes.isMatrix(n) ? shapes.of(n).cols() : 0;
  }

  void let(String name, Node n) {
    if (lets.containsKey(name)) throw invalid("'%s' is defined twice", name);
    lets.put(name, n);
  }

  private Node build(Expr e) {
    if (e instanceof Expr.Num num) return b.integer(num.value());
    if (e instanceof Expr.Dec dec) return b.constant(new long[] {FixedPoint.encode(dec.value(), b.f, "a literal")}, b.f);
    if (e instanceof Expr.Ref ref) return lets.containsKey(ref.name()) ? lets.get(ref.name()) : leaf(ref.name());
    if (e instanceof Expr.Neg neg) {
      Node x = node(neg.x());
      return shapes.shaped(b.neg(x), shapes.of(x));
    }
    if (e instanceof Expr.Bin bin) {
      Node l = node(bin.left()), r = node(bin.right());
      if (bin.op() == Operator.MATMUL) return algebra.matmul(l, r, e);
      if (shapes.isMatrix(l) || shapes.isMatrix(r)) return algebra.elementwise(l, r, (x, y) -> binary(bin.op(), x, y, e), e);
      return binary(bin.op(), l, r, e);
    }
    Expr.Call call = (Expr.Call) e;
    Builtin fn = Builtin.named(call.fn());
    if (fn == null) throw Builtin.unknown(call.fn());
    Node out = switch (fn.library) {
      case BASIC -> basic(fn, call);
      case FUNCTIONS -> functions.call(fn, one(call), call);
      case STATISTICS -> statistics.call(fn, args(call), call);
      case MATRICES -> matrices.call(fn, args(call), call);
      case LINEAR_ALGEBRA -> algebra.call(fn, args(call), call);
    };
    return elementwise(fn, call, out) ? shapes.shaped(out, shapes.of(node(call.args().get(0)))) : out;
  }

  private Node binary(Operator op, Node l, Node r, Expr e) {
    return switch (op) {
      case DIV -> functions.divide(l, r, e);
      case ADD -> b.add(l, r, e);
      case SUB -> b.sub(l, r, e);
      case MUL -> b.mul(l, r, e);
      default -> b.compare(op, l, r, e);
    };
  }

  /** A function whose result has its first argument's shape (a matrix stays one). */
  private boolean elementwise(Builtin fn, Expr.Call call, Node out) {
    boolean mapped = fn.library == Builtin.Library.FUNCTIONS
        || switch (fn) {
          case ABS, SIGN, RELU, WHERE -> true;
          case MIN, MAX -> call.args().size() == 2;
          default -> false;
        };
    return mapped && shapes.isMatrix(node(call.args().get(0))) && out.len() == node(call.args().get(0)).len();
  }

  /** The functions built from the builder's primitives alone. */
  private Node basic(Builtin fn, Expr.Call e) {
    switch (fn) {
      case SUM -> {
        if (e.args().size() > 1) return b.sum(statistics.call(Builtin.CONCAT, args(e), e));
        return b.sum(one(e));
      }
      case DOT -> {
        arity(e, 2);
        Node x = node(e.args().get(0)), y = node(e.args().get(1));
        if (x.len() != y.len()) throw invalid("dot needs vectors of equal length, got %d and %d in %s", x.len(), y.len(), Printer.show(e));
        return b.sum(node(Expr.mul(e.args().get(0), e.args().get(1))));
      }
      case ABS -> { // x * (1 - 2 [x < 0])
        Node x = one(e);
        return b.mul(x, b.oneMinus(b.twice(b.less(x))), e);
      }
      case SIGN -> { // (1 - [x == 0]) - 2 [x < 0]: both comparisons in the same rounds
        Node x = one(e);
        return b.sub(b.oneMinus(b.zero(x)), b.twice(b.less(x)), e);
      }
      case RELU -> { // x - [x < 0] * x
        Node x = one(e);
        return b.sub(x, b.mul(b.less(x), x, e), e);
      }
      case MIN, MAX -> { // min = b + [a < b](a - b), max = a - [a < b](a - b)
        if (e.args().size() == 1) return b.reduce(node(e.args().get(0)), fn == Builtin.MAX, false, e);
        arity(e, 2);
        Node x = node(e.args().get(0)), y = node(e.args().get(1));
        Node d = b.sub(x, y, e);
        Node pick = b.mul(b.less(d), d, e);
        return fn == Builtin.MIN ? b.add(y, pick, e) : b.sub(x, pick, e);
      }
      case WHERE -> { // b + c (a - b), c a secret 0/1
        arity(e, 3);
        Node c = node(e.args().get(0)), x = node(e.args().get(1)), y = node(e.args().get(2));
        if (c.scale() != 0) throw invalid("where's condition must be an integer 0/1, e.g. a comparison, in %s", Printer.show(e));
        return b.add(y, b.mul(c, b.sub(x, y, e), e), e);
      }
      case ARGMAX, ARGMIN -> {
        return b.reduce(one(e), fn == Builtin.ARGMAX, true, e);
      }
      default -> throw new IllegalStateException(fn.fn());
    }
  }

  /** The one argument of a call. */
  private Node one(Expr.Call call) {
    arity(call, 1);
    return node(call.args().get(0));
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

  /** A stored value: loaded if shared among exactly the computing parties, shared by its owner if private. */
  private Node leaf(String name) {
    ValueInfo info = catalog.apply(name);
    if (info == null) throw notFound("unknown value name '%s'", name);
    int scale = 0;
    if (info.getDtype() == DType.REAL) {
      if (info.getFracBits() != b.f) {
        throw precondition("value '%s' is encoded with %d fractional bits but the cluster uses %d", name, info.getFracBits(), b.f);
      }
      scale = b.f;
    }
    boolean shared = info.getKind() == Kind.SHARED;
    if (shared) {
      if (!new HashSet<>(info.getPartiesList()).equals(new HashSet<>(parties))) {
        throw precondition("value '%s' is shared among %s but the computation runs on %s; values shared among"
            + " different parties cannot be combined", name, info.getPartiesList(), parties);
      }
    } else if (!parties.contains(info.getOwner())) {
      throw precondition("value '%s' is private to %s, who is not one of the computing parties %s",
          name, info.getOwner(), parties);
    }
    if (info.getLength() < 1) throw precondition("value '%s' is empty", name);
    int len = Math.toIntExact(info.getLength());
    Node n = b.keep(shared ? new Node.Load(info, len, scale) : new Node.Share(info, len, scale));
    long cols = info.getCols();
    if (cols < 0 || (cols > 0 && len % cols != 0)) throw precondition("value '%s' has %d elements, not rows of %d", name, len, cols);
    return cols > 1 ? shapes.shaped(n, new Shapes.Shape((int) (len / cols), (int) cols)) : n;
  }
}
