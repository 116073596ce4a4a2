package smpc.core.expr;

import static smpc.core.Errors.invalid;

import java.util.List;
import smpc.core.expr.Node.Const;
import smpc.core.ring.FixedPoint;

/**
 * Statistics over secret vectors (several arguments are taken together, as one vector: alice's, bob's
 * and carol's salaries), private matching and histograms. Only the statistic is revealed; the
 * elements stay secret. Counts are public: every value's length is.
 */
final class Statistics {
  /** Pairwise steps (median, isin) compare every pair: at most this many pairs per call. */
  static final int MAX_PAIRS = 4_000_000;

  private final Builder c;
  private final Functions fn;
  private final int f;

  Statistics(Builder c, Functions fn) {
    this.c = c;
    this.fn = fn;
    this.f = c.f;
  }

  /** One of the functions of {@link Builtin.Library#STATISTICS}. */
  Node call(Builtin name, List<Node> args, Expr where) {
    if (args.isEmpty()) throw invalid("%s needs at least one argument", name.fn());
    return switch (name) {
      case CONCAT -> c.concatAll(args);
      case COUNT -> c.integer(total(args));
      case MEAN -> mean(c.concatAll(args), where);
      case VARIANCE -> variance(c.concatAll(args), where);
      case STDEV -> stdev(c.concatAll(args), where);
      case MEDIAN -> median(c.concatAll(args), where);
      case HISTOGRAM -> histogram(args, where);
      case CORR -> {
        if (args.size() != 2) throw invalid("corr takes 2 arguments, got %d", args.size());
        yield corr(args.get(0), args.get(1), where);
      }
      case ISIN -> {
        if (args.size() != 2) throw invalid("isin takes 2 arguments, got %d", args.size());
        yield isin(args.get(0), args.get(1), where);
      }
      default -> throw new IllegalStateException(name.fn());
    };
  }

  private static long total(List<Node> args) {
    long n = 0;
    for (Node a : args) n += a.len();
    return n;
  }

  /** sum / n as a real. A real sum is first shortened by log2(n) bits, which keeps the product in range. */
  private Node mean(Node v, Expr where) {
    return byCount(c.sum(v), v.len(), where);
  }

  /** Sums divided by a public count: means. */
  Node meanOfSums(Node sums, int n, Expr where) {
    return byCount(sums, n, where);
  }

  private Node byCount(Node s, int n, Expr where) {
    if (s.scale() > 0) {
      s = c.shrink(s);
      s = c.trunc(s, Math.min(31 - Integer.numberOfLeadingZeros(n), s.scale()));
    }
    return fn.byPublic(s, c.integer(n), where);
  }

  /**
   * The sum of squared deviations (or of products of two vectors' deviations) and whether it was summed at
   * full precision. Squares are summed in two precisions: at full precision (in range while the sum stays
   * below 2^30) and from deviations shortened to f/2 fractional bits (in range for deviations up to 2^23,
   * then precise to about 2^-8 / stdev); one comparison of the coarse sum with 2^30 picks the full one
   * whenever it is valid.
   */
  private record Sums(Node sum, Node fine) {}

  private Sums sums(Node du, Node dv, Expr where) {
    return sums(du, dv, du.len(), where);
  }

  /** As {@link #sums(Node, Node, Expr)} for each consecutive group of {@code group} elements (a column, say). */
  private Sums sums(Node du, Node dv, int group, Expr where) {
    Node cu = coarse(du, du, group, where), ok = fits(cu, where);
    if (du != dv) ok = c.mulRaw(ok, fits(coarse(dv, dv, group, where), where), where);
    Node mixed = du == dv ? cu : coarse(du, dv, group, where);
    return new Sums(pick(ok, fine(du, dv, group, where), mixed, where), ok);
  }

  /** The mean squared deviation (population variance). */
  private Node variance(Node v, Expr where) {
    Node d = deviations(v, where);
    return byCount(sums(d, d, where).sum(), v.len(), where);
  }

  /** sqrt(sum) / sqrt(n) while the sum is small (more significant bits), else sqrt(variance). */
  private Node stdev(Node v, Expr where) {
    return stdevOfGroups(deviations(v, where), v.len(), where);
  }

  /**
   * The population deviation of each consecutive group of n deviations from their group's mean (the columns
   * of a matrix, column-major), as {@link #stdev}: valid while a group's variance is below 2^30 (f = 16).
   */
  Node stdevOfGroups(Node d, int n, Expr where) {
    Sums s = sums(d, d, n, where);
    Node small = fn.byPublic(fn.call(Builtin.SQRT, s.sum(), where), c.real(Math.sqrt(n), f), where);
    Node large = fn.call(Builtin.SQRT, byCount(s.sum(), n, where), where);
    return pick(s.fine(), small, large, where);
  }

  /** Pearson's correlation: S_uv / sqrt(S_uu S_vv) from the sums while they are small, else cov / (sd_u sd_v). */
  private Node corr(Node u, Node v, Expr where) {
    if (u.len() != v.len()) throw invalid("corr needs vectors of equal length, got %d and %d in %s", u.len(), v.len(), Printer.show(where));
    Node du = deviations(u, where), dv = deviations(v, where);
    Sums uu = sums(du, du, where), vv = sums(dv, dv, where), uv = sums(du, dv, where);
    Node small = fn.divide(uv.sum(), c.shrink(c.mulRaw(fn.call(Builtin.SQRT, uu.sum(), where), fn.call(Builtin.SQRT, vv.sum(), where), where)), where);
    Node sd = c.shrink(c.mulRaw(fn.call(Builtin.SQRT, byCount(uu.sum(), u.len(), where), where),
        fn.call(Builtin.SQRT, byCount(vv.sum(), v.len(), where), where), where));
    Node large = fn.divide(byCount(uv.sum(), u.len(), where), sd, where);
    return pick(uv.fine(), small, large, where);
  }

  private Node deviations(Node v, Expr where) {
    return c.shrink(c.sub(real(v), mean(v, where), where));
  }

  private Node fine(Node du, Node dv, int group, Expr where) {
    return c.trunc(groupSums(c.mulRaw(du, dv, where), group), f); // one truncation of the sum, not one per tiny square
  }

  private Node coarse(Node du, Node dv, int group, Expr where) {
    return groupSums(c.mulRaw(c.trunc(du, f / 2), c.trunc(dv, f - f / 2), where), group);
  }

  private Node groupSums(Node x, int group) {
    return group == x.len() ? c.sum(x) : c.groupSums(x, group);
  }

  /** [coarse sum of squares < 2^30]: the full-precision sum is then in range. */
  private Node fits(Node coarse, Expr where) {
    return c.less(c.sub(coarse, c.real(Math.scalb(1.0, 30), f), where));
  }

  /** ok ? fine : coarse (fine may be meaningless when ok is 0: it is multiplied by 0 exactly). */
  private Node pick(Node ok, Node fine, Node coarse, Expr where) {
    return c.add(coarse, c.mulRaw(ok, c.sub(fine, coarse, where), where), where);
  }

  /**
   * The middle value (the mean of the two middle ones for an even count): each element's rank is the
   * number of smaller keys (x * n + index: distinct, so ties rank apart), every pair compared in one step;
   * then the elements of the middle ranks are picked with one equality step and a dot product.
   */
  private Node median(Node v, Expr where) {
    int n = v.len();
    if ((long) n * n > MAX_PAIRS) throw invalid("median of %d values: it compares every pair, so at most 2000 values", n);
    if (v instanceof Const) throw invalid("median of a public vector: compute it in the clear");
    long[] index = new long[n];
    for (int i = 0; i < n; i++) index[i] = i;
    v = c.shrink(v);
    Node key = c.add(c.mulRaw(c.relabel(v, 0), c.integer(n), where), c.constant(index, 0), where);
    long[] rep = new long[n * n], tile = new long[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        rep[i * n + j] = i;
        tile[i * n + j] = j;
      }
    }
    Node rank = c.groupSums(c.less(c.sub(c.gather(key, tile), c.gather(key, rep), where)), n);
    Node pick = c.zero(c.sub(rank, c.integer((n - 1) / 2), where));
    if (n % 2 == 0) pick = c.add(pick, c.zero(c.sub(rank, c.integer(n / 2), where)), where);
    Node s = c.sum(c.mulRaw(pick, v, where));
    return n % 2 == 1 ? s : c.toScale(c.relabel(s, s.scale() + 1), Math.max(s.scale(), f));
  }

  /** Counts per bin between consecutive public edges, [e_k, e_k+1), the last bin closed, as numpy's. */
  private Node histogram(List<Node> args, Expr where) {
    int data = 0;
    while (data < args.size() && !(args.get(data) instanceof Const)) data++;
    if (data == 0 || args.size() - data < 2) {
      throw invalid("histogram takes secret vectors and then at least 2 bin edges, in %s", Printer.show(where));
    }
    Node v = c.concatAll(args.subList(0, data));
    int n = v.len(), e = args.size() - data;
    double[] edges = new double[e];
    for (int k = 0; k < e; k++) {
      Node a = args.get(data + k);
      if (!(a instanceof Const edge) || a.len() != 1) throw invalid("histogram's bin edges must be numbers, in %s", Printer.show(where));
      edges[k] = FixedPoint.decode(edge.value()[0], a.scale()).doubleValue();
      if (k > 0 && edges[k] <= edges[k - 1]) throw invalid("histogram's bin edges must increase, in %s", Printer.show(where));
    }
    int scale = v.scale() == 0 && args.stream().skip(data).allMatch(a -> a.scale() == 0) ? 0 : f;
    Node x = c.toScale(v, scale);
    long[] tile = new long[n * e], edgeRep = new long[n * e], sign = new long[n * e];
    for (int k = 0; k < e; k++) {
      for (int i = 0; i < n; i++) {
        tile[k * n + i] = i;
        edgeRep[k * n + i] = Math.round(Math.scalb(edges[k], scale));
        sign[k * n + i] = k == e - 1 ? -1 : 1; // the last edge counts x > e instead of x < e
      }
    }
    Node diff = c.mulRaw(c.sub(c.gather(x, tile), c.constant(edgeRep, scale), where), c.constant(sign, 0), where);
    Node below = c.groupSums(c.less(diff), n); // s_k = #{x < e_k}; last: #{x > e_last}
    long[] flip = new long[e], plus = new long[e];
    java.util.Arrays.fill(flip, 1);
    flip[e - 1] = -1;
    plus[e - 1] = n;
    Node s = c.add(c.mulRaw(below, c.constant(flip, 0), where), c.constant(plus, 0), where); // last: #{x <= e_last}
    long[] next = new long[e - 1], cur = new long[e - 1];
    for (int k = 0; k < e - 1; k++) {
      next[k] = k + 1;
      cur[k] = k;
    }
    return c.sub(c.gather(s, next), c.gather(s, cur), where);
  }

  /** For each element of a: 1 if it occurs in b, else 0 (every pair compared for equality in one step). */
  private Node isin(Node a, Node b, Expr where) {
    if ((long) a.len() * b.len() > MAX_PAIRS) {
      throw invalid("isin of %d and %d values compares every pair: at most %d pairs", a.len(), b.len(), MAX_PAIRS);
    }
    long[] rep = new long[a.len() * b.len()], tile = new long[a.len() * b.len()];
    for (int i = 0; i < a.len(); i++) {
      for (int j = 0; j < b.len(); j++) {
        rep[i * b.len() + j] = i;
        tile[i * b.len() + j] = j;
      }
    }
    Node eq = c.zero(c.sub(c.gather(a, rep), c.gather(b, tile), where));
    return c.oneMinus(c.zero(c.groupSums(eq, b.len())));
  }

  private Node real(Node x) {
    return c.toScale(x, f);
  }
}
