package smpc.core.expr;

import java.util.HashMap;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;

/**
 * Polynomials on secret values in the Chebyshev basis (T_2k = 2T_k^2 - 1, T_a+b = 2 T_a T_b - T_a-b), whose
 * values stay in [-1, 1]: the monomial basis would multiply rounding errors by coefficients in the thousands.
 * The fits ({@link #chebyshev}) are Chebyshev interpolation; the evaluation ({@link #sum}) is Paterson and
 * Stockmeyer's where it saves enough secret products.
 */
final class Chebyshev {
  /** Internal fractional bits of polynomial evaluation and of its coefficients. */
  static final int S = 24;
  static final int SC = 24;

  private final Builder c;

  Chebyshev(Builder c) {
    this.c = c;
  }

  /**
   * sum_k coeffs[k] T_k(t) at scale S + SC, for t at scale S with |t| <= 1: Paterson and Stockmeyer's
   * evaluation (SIAM J. Comput. 1973) in the Chebyshev basis. For n a power of two times the baby-step bound m
   * and deg p < 2n, T_(n+j) = 2 T_n T_j − T_(n−j) splits p = q·T_n + r ({@link #divide}); q and r split again
   * until their degree is at most m, where each is a public combination of T_1..T_m (local). One secret
   * product per split, besides the T_k themselves: a degree-21 odd polynomial takes 9 products instead of the
   * 14 of summing every T_k ({@link #babySteps} says when it is worth a round).
   */
  Node sum(Node t, double[] coeffs, Expr where) {
    Map<Integer, Node> tk = new HashMap<>();
    tk.put(1, t);
    return sum(tk, coeffs, where);
  }

  /** As {@link #sum(Node, double[], Expr)} with the T_k computed so far (T_1 = t at least), which it extends. */
  Node sum(Map<Integer, Node> tk, double[] coeffs, Expr where) {
    return split(coeffs, babySteps(coeffs), tk, where);
  }

  private Node split(double[] p, int m, Map<Integer, Node> tk, Expr where) {
    int d = degree(p);
    if (d <= m) {
      Node sum = c.real(p[0], S + SC);
      for (int k = 1; k <= d; k++) {
        if (p[k] != 0) sum = c.add(sum, c.mulRaw(chebyshevT(k, tk, where), c.real(p[k], SC), where), where);
      }
      return sum;
    }
    int n = giant(d, m);
    double[][] qr = divide(p, n);
    Node tn = chebyshevT(n, tk, where);
    Node prod = degree(qr[0]) == 0 ? c.mulRaw(tn, c.real(qr[0][0], SC), where)
        : c.mulRaw(c.toScale(split(qr[0], m, tk, where), S), tn, where); // S + S = S + SC: r's scale
    return c.add(prod, split(qr[1], m, tk, where), where);
  }

  /** The n = m·2^i with n <= d < 2n: where a polynomial of degree d splits. */
  private static int giant(int d, int m) {
    int n = m;
    while (2 * n <= d) n *= 2;
    return n;
  }

  /** {q, r} with p = q·T_n + r in the Chebyshev basis, for deg p < 2n; both of degree < n, odd when p is. */
  static double[][] divide(double[] p, int n) {
    int d = degree(p);
    double[] q = new double[n], r = java.util.Arrays.copyOf(p, n);
    q[0] = p[n];
    for (int j = 1; j <= d - n; j++) {
      q[j] = 2 * p[n + j];
      r[n - j] -= p[n + j];
    }
    return new double[][] {q, r};
  }

  static int degree(double[] p) {
    int d = p.length - 1;
    while (d > 0 && p[d] == 0) d--;
    return d;
  }

  /**
   * The baby-step bound: the m in {2, 4, ..., 32} that takes the fewest secret products (then the fewest
   * product levels), if it saves at least a third of the products of summing every T_k; else the degree,
   * which sums every T_k. A split costs a truncation of q before its product, one more round: sigmoid and
   * tanh at degree 21 send 28% fewer bytes for one more round (9 products instead of 14), while exp, log and
   * the roots would save 10–12% of their bytes for two more rounds, so they keep the plain sum
   * (docs/functions.md).
   */
  static int babySteps(double[] p) {
    int d = degree(p), best = d;
    long plain = cost(p, d), bestKey = Long.MAX_VALUE;
    for (int m = 2; m <= 32 && m < d; m *= 2) {
      long key = cost(p, m);
      if (key < bestKey && 3 * (key / 1000) <= 2 * (plain / 1000)) {
        bestKey = key;
        best = m;
      }
    }
    return best;
  }

  /** Secret products of split(p, m), times 1000, plus its product levels. */
  private static long cost(double[] p, int m) {
    Map<Integer, Integer> depth = new HashMap<>(Map.of(1, 0));
    int[] splits = {0};
    int levels = levels(p, m, depth, splits);
    return (depth.size() - 1 + splits[0]) * 1000L + levels;
  }

  /** The product levels of split(p, m), recording each T_k it needs with its level and counting its products. */
  private static int levels(double[] p, int m, Map<Integer, Integer> depth, int[] splits) {
    int d = degree(p);
    int deepest = 0;
    if (d <= m) {
      for (int k = 1; k <= d; k++) if (p[k] != 0) deepest = Math.max(deepest, levelOfT(k, depth));
      return deepest;
    }
    int n = giant(d, m);
    double[][] qr = divide(p, n);
    int tn = levelOfT(n, depth), prod = tn;
    if (degree(qr[0]) > 0) {
      splits[0]++;
      prod = Math.max(levels(qr[0], m, depth, splits), tn) + 1;
    }
    return Math.max(prod, levels(qr[1], m, depth, splits));
  }

  private static int levelOfT(int k, Map<Integer, Integer> depth) {
    Integer known = depth.get(k);
    if (known != null) return known;
    int a = Integer.highestOneBit(k - 1), b = k - a;
    int level = Math.max(levelOfT(a, depth), levelOfT(b, depth)) + 1;
    if (a != b) level = Math.max(level, levelOfT(a - b, depth));
    depth.put(k, level);
    return level;
  }

  /** T_k(t) at scale S, with T_k = 2 T_a T_b - T_(a-b), a the largest power of two below k: depth ceil(log2 k). */
  private Node chebyshevT(int k, Map<Integer, Node> tk, Expr where) {
    Node known = tk.get(k);
    if (known != null) return known;
    int a = Integer.highestOneBit(k - 1), b = k - a;
    Node twice = c.relabel(c.trunc(c.mulRaw(chebyshevT(a, tk, where), chebyshevT(b, tk, where), where), S - 1), S);
    Node r = c.sub(twice, a == b ? c.real(1, S) : chebyshevT(a - b, tk, where), where);
    tk.put(k, r);
    return r;
  }

  /** Chebyshev interpolation of fn on [-1, 1] at 64 nodes, truncated to {@code degree}; odd keeps odd terms. */
  static double[] chebyshev(DoubleUnaryOperator fn, int degree, boolean odd) {
    int n = 64;
    double[] out = new double[degree + 1];
    for (int j = 0; j < n; j++) {
      double theta = Math.PI * (j + 0.5) / n, v = fn.applyAsDouble(Math.cos(theta));
      for (int k = 0; k <= degree; k++) out[k] += 2.0 / n * v * Math.cos(k * theta);
    }
    out[0] /= 2;
    if (odd) for (int k = 0; k <= degree; k += 2) out[k] = 0;
    return out;
  }

}
