package smpc.core.expr;

import static smpc.core.Errors.invalid;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import smpc.core.expr.Node.Const;
import smpc.core.ring.Ring;

/**
 * What the function libraries build with: arithmetic on nodes with public constants folded, scales
 * tracked (a product of reals stays at 2f until it must shrink), and one truncation, comparison or NORM
 * per value however often it is asked for. Every node made is kept, in order, for the {@link Emitter}.
 */
final class Builder {
  /** The cluster's fixed-point fractional bits. */
  final int f;
  /** Every truncation of a secret rounds to nearest exactly (see {@link #exactTrunc}). */
  private final boolean exact;
  private final List<Node> nodes = new ArrayList<>();
  private final Map<Node, Map<Integer, Node>> truncated = new IdentityHashMap<>();
  private final Map<Node, Node> norms = new IdentityHashMap<>();
  private final Map<Node, Node> ltz = new IdentityHashMap<>();
  private final Map<Node, Node> eqz = new IdentityHashMap<>();

  Builder(int fracBits, boolean exactRounding) {
    this.f = fracBits;
    this.exact = exactRounding;
  }

  /** Every node made, in the order made (inputs before the nodes that read them). */
  List<Node> nodes() {
    return nodes;
  }

  <N extends Node> N keep(N n) {
    nodes.add(n);
    return n;
  }

  Const constant(long[] v, int scale) {
    return keep(new Const(v, scale));
  }

  /** A public constant, encoded at {@code scale} fractional bits. */
  Const real(double v, int scale) {
    return constant(new long[] {Math.round(Math.scalb(v, scale))}, scale);
  }

  Const integer(long v) {
    return constant(new long[] {v}, 0);
  }

  Node add(Node x, Node y, Expr where) {
    return binary(Operator.ADD, x, y, where);
  }

  Node sub(Node x, Node y, Expr where) {
    return binary(Operator.SUB, x, y, where);
  }

  Node mul(Node x, Node y, Expr where) {
    return binary(Operator.MUL, x, y, where);
  }

  Node neg(Node x) {
    return x instanceof Const k ? constant(Ring.neg(k.value()), k.scale()) : keep(new Node.Neg(x, x.len(), x.scale()));
  }

  /** x + y, x - y or x * y (a product of reals brought down to scale f first). */
  private Node binary(Operator op, Node x, Node y, Expr where) {
    int len = broadcast(x, y, where);
    if (op == Operator.MUL) return multiply(shrink(x), shrink(y), len, where);
    int scale = Math.max(x.scale(), y.scale());
    x = rescale(x, scale);
    y = rescale(y, scale);
    if (x instanceof Const a && y instanceof Const b) return constant(exact(op, a.value(), b.value(), where), scale);
    return keep(op == Operator.ADD ? new Node.Add(x, y, len, scale) : new Node.Sub(x, y, len, scale));
  }

  private static int broadcast(Node x, Node y, Expr where) {
    try {
      return Ring.broadcastLength(x.len(), y.len());
    } catch (IllegalArgumentException ex) {
      throw invalid("vector lengths differ (%d and %d) in %s", x.len(), y.len(), Printer.show(where));
    }
  }

  /** x * y at scale x.scale + y.scale, without truncating either first (the caller bounds magnitudes). */
  Node mulRaw(Node x, Node y, Expr where) {
    int len = broadcast(x, y, where);
    if (x instanceof Const a && y instanceof Const b) return constant(exact(Operator.MUL, a.value(), b.value(), where), a.scale() + b.scale());
    return multiply(x, y, len, where);
  }

  /**
   * Folded public arithmetic, exact or an error: the parties' ring would wrap modulo 2^64 and print a
   * plausible wrong number (1e9 * 1e9 on reals, 9223372036854775807 + 1), where a literal's user wants the
   * value or to be told.
   */
  private static long[] exact(Operator op, long[] x, long[] y, Expr where) {
    int n = Math.max(x.length, y.length);
    long[] z = new long[n];
    try {
      for (int i = 0; i < n; i++) {
        long a = x[x.length == 1 ? 0 : i], b = y[y.length == 1 ? 0 : i];
        z[i] = switch (op) {
          case ADD -> Math.addExact(a, b);
          case SUB -> Math.subtractExact(a, b);
          case MUL -> Math.multiplyExact(a, b);
          default -> throw new IllegalArgumentException(op.toString());
        };
      }
    } catch (ArithmeticException e) {
      throw invalid("constant out of range: %s overflows 64-bit arithmetic (integers wrap modulo 2^64, reals must stay"
          + " within the fixed-point range: docs/functions.md)", Printer.show(where));
    }
    return z;
  }

  private Node multiply(Node x, Node y, int len, Expr where) {
    int scale = x.scale() + y.scale();
    if (x instanceof Const a && y instanceof Const b) {
      long[] p = exact(Operator.MUL, a.value(), b.value(), where);
      if (scale <= f) return constant(p, scale);
      for (int i = 0; i < p.length; i++) p[i] = Math.floorDiv(p[i] + (1L << (f - 1)), 1L << f); // exact public rounding
      return constant(p, f);
    }
    if (x instanceof Const k) return keep(new Node.MulPublic(y, k, len, scale));
    if (y instanceof Const k) return keep(new Node.MulPublic(x, k, len, scale));
    return keep(new Node.Mul(x, y, len, scale));
  }

  /** A comparison of two values: their difference compared with zero (exact; 0/1, an integer). */
  Node compare(Operator op, Node x, Node y, Expr where) {
    Node d = switch (op) {
      case LT, GE, EQ, NE -> sub(x, y, where);
      default -> sub(y, x, where); // >, <=
    };
    return switch (op) {
      case LT, GT -> less(d);
      case LE, GE -> oneMinus(less(d));
      case EQ -> zero(d);
      default -> oneMinus(zero(d));
    };
  }

  /** [x < 0] as a secret 0/1; one comparison per value, shared by all its uses. */
  Node less(Node x) {
    if (x instanceof Const k) {
      long[] v = new long[k.len()];
      for (int i = 0; i < v.length; i++) v[i] = k.value()[i] < 0 ? 1 : 0;
      return constant(v, 0);
    }
    return ltz.computeIfAbsent(x, v -> keep(new Node.LessThanZero(v, v.len())));
  }

  /** [x == 0] as a secret 0/1. */
  Node zero(Node x) {
    if (x instanceof Const k) {
      long[] v = new long[k.len()];
      for (int i = 0; i < v.length; i++) v[i] = k.value()[i] == 0 ? 1 : 0;
      return constant(v, 0);
    }
    return eqz.computeIfAbsent(x, v -> keep(new Node.EqualsZero(v, v.len())));
  }

  Node oneMinus(Node b) {
    return sub(constant(new long[] {1}, 0), b, null);
  }

  Node twice(Node b) {
    return mul(constant(new long[] {2}, 0), b, null);
  }

  /** Brings a value above scale f down to f (one truncation per value, shared by all its uses). */
  Node shrink(Node x) {
    return x.scale() <= f ? x : trunc(x, x.scale() - f);
  }

  /** x / 2^bits: a truncation (public values exactly rounded); the scale drops by {@code bits}. */
  Node trunc(Node x, int bits) {
    if (bits == 0) return x;
    // elementwise, so a concatenation's truncation is its parts' (each made once, perhaps already made)
    if (x instanceof Node.Concat cc) return concat(trunc(cc.a(), bits), trunc(cc.b(), bits));
    if (x instanceof Const k) {
      long[] p = k.value().clone();
      for (int i = 0; i < p.length; i++) p[i] = Math.floorDiv(p[i] + (1L << (bits - 1)), 1L << bits);
      return constant(p, x.scale() - bits);
    }
    return truncated.computeIfAbsent(x, k -> new HashMap<>())
        .computeIfAbsent(bits, b -> exact ? exactTrunc(x, b) : keep(new Node.Trunc(x, x.len(), x.scale() - b)));
  }

  /**
   * floor((x + 2^(b-1)) / 2^b) exactly: what constant folding computes, the same bits every run. The
   * one-round truncation t of u = x + 2^(b-1) is floor(u / 2^b) plus the borrow it drops (0 or 1, see
   * Truncation), so d = u - t * 2^b is u mod 2^b >= 0 without the borrow and that minus 2^b < 0 with it:
   * one exact comparison [d < 0] recovers the borrow, and t - [d < 0] is the floor (the exact Trunc of
   * Catrina and de Hoogh, SCN 2010, also takes the low bits' borrow from a comparison; here it is built from
   * this compiler's own steps). Cost per element: a truncation pair
   * and a comparison; the comparison's 8 rounds come after the truncation's one.
   */
  private Node exactTrunc(Node x, int bits) {
    int s = x.scale(), len = x.len();
    Node u = keep(new Node.Add(x, constant(new long[] {1L << (bits - 1)}, s), len, s));
    Node t = keep(new Node.Trunc(u, len, s - bits));
    Node d = keep(new Node.Sub(u, keep(new Node.MulPublic(t, constant(new long[] {1L << bits}, 0), len, s)), len, s));
    return keep(new Node.Sub(t, relabel(less(d), s - bits), len, s - bits)); // the 0/1 borrow, one unit at scale s - bits
  }

  /** x at exactly {@code scale} fractional bits: raised exactly, or truncated. */
  Node toScale(Node x, int scale) {
    return x.scale() <= scale ? rescale(x, scale) : trunc(x, x.scale() - scale);
  }

  /** The same ring elements read at another scale: x * 2^(scale - x.scale), free. */
  Node relabel(Node x, int scale) {
    if (x instanceof Const k) return constant(k.value(), scale);
    return keep(new Node.MulPublic(x, constant(new long[] {1}, 0), x.len(), scale));
  }

  /** Raises a value to a larger scale by a public power of two (local, exact). */
  private Node rescale(Node x, int scale) {
    if (x.scale() == scale) return x;
    long factor = 1L << (scale - x.scale());
    if (x instanceof Const k) return constant(Ring.mul(k.value(), new long[] {factor}), scale);
    return keep(new Node.MulPublic(x, constant(new long[] {factor}, 0), x.len(), scale));
  }

  /** For each element of x (|x| < 2^bits): the one-hot position of the top bit of |x| and [x < 0] (NORM). */
  Node norm(Node x, int bits) {
    return norms.computeIfAbsent(x, v -> keep(new Node.Norm(v, bits, v.len() * (bits + 1))));
  }

  /** Per element, the sum of a NORM's bits times a public table (local), at {@code scale}. */
  Node lookup(Node norm, long[] table, int scale) {
    return keep(new Node.Lookup(norm, table, norm.len() / table.length, scale));
  }

  /** The sum of a vector's elements (local). */
  Node sum(Node x) {
    return x instanceof Const k ? constant(new long[] {Ring.sum(k.value())}, k.scale()) : keep(new Node.Sum(x, x.scale()));
  }

  /** Sums of consecutive groups of {@code group} elements (local). */
  Node groupSums(Node x, int group) {
    long[] ones = new long[group];
    Arrays.fill(ones, 1);
    if (x instanceof Const k) {
      long[] v = new long[k.len() / group];
      for (int t = 0; t < v.length; t++) for (int i = 0; i < group; i++) v[t] += k.value()[t * group + i];
      return constant(v, k.scale());
    }
    return lookup(x, ones, x.scale());
  }

  /** x[idx[0]], x[idx[1]], ...: tiles, repeats and permutations (local). */
  Node gather(Node x, long[] idx) {
    if (x instanceof Const k) {
      long[] v = new long[idx.length];
      for (int i = 0; i < v.length; i++) v[i] = k.value()[(int) idx[i]];
      return constant(v, k.scale());
    }
    return keep(new Node.Gather(x, idx, x.scale()));
  }

  Node slice(Node x, int offset, int len) {
    if (x instanceof Const k) return constant(Arrays.copyOfRange(k.value(), offset, offset + len), k.scale());
    return keep(new Node.Slice(x, offset, len, x.scale()));
  }

  Node concat(Node a, Node b) {
    if (a.scale() != b.scale()) throw new IllegalStateException("concat of different scales");
    if (a instanceof Const ka && b instanceof Const kb) {
      long[] v = Arrays.copyOf(ka.value(), a.len() + b.len());
      System.arraycopy(kb.value(), 0, v, a.len(), b.len());
      return constant(v, a.scale());
    }
    return keep(new Node.Concat(a, b, a.len() + b.len(), a.scale()));
  }

  /** All the vectors one after the other. */
  Node concatAll(List<Node> xs) {
    Node out = xs.get(0);
    for (int k = 1; k < xs.size(); k++) {
      Node a = out, b = xs.get(k);
      int s = Math.max(a.scale(), b.scale());
      out = concat(toScale(a, s), toScale(b, s));
    }
    return out;
  }

  /**
   * The largest (or smallest) element of a vector, or its index (a secret integer; the first index
   * among equal extremes), by a tournament: each level compares neighbours (elements 2j and 2j+1)
   * elementwise in one comparison step and selects with one multiplication round, ceil(log2 n) levels.
   * Neighbours, not halves: position j then always holds the winner of a contiguous block, the blocks in
   * order, so keeping the left one on a tie keeps the first index at every level (halves would pair
   * blocks out of order once a level has odd length).
   */
  Node reduce(Node v, boolean max, boolean index, Expr where) {
    if (v instanceof Const) throw invalid("%s of a public vector: compute it in the clear", Printer.show(where));
    long[] positions = new long[v.len()];
    for (int i = 0; i < positions.length; i++) positions[i] = i;
    Node vals = v, idx = constant(positions, 0);
    while (vals.len() > 1) {
      int h = vals.len() / 2;
      long[] even = new long[h], odd = new long[h];
      for (int j = 0; j < h; j++) {
        even[j] = 2L * j;
        odd[j] = 2L * j + 1;
      }
      Node a = gather(vals, even), b = gather(vals, odd), ia = gather(idx, even), ib = gather(idx, odd);
      // take b where it wins strictly, so ties keep the earlier index
      Node takeB = less(max ? sub(a, b, where) : sub(b, a, where));
      Node nv = add(a, mul(takeB, sub(b, a, where), where), where);
      Node ni = add(ia, mul(takeB, sub(ib, ia, where), where), where);
      if (vals.len() % 2 == 1) {
        nv = concat(nv, slice(vals, 2 * h, 1));
        ni = concat(ni, slice(idx, 2 * h, 1));
      }
      vals = nv;
      idx = ni;
    }
    return index ? idx : vals;
  }
}
