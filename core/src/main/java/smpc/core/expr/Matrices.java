package smpc.core.expr;

import static smpc.core.Errors.invalid;

import java.util.List;
import smpc.core.expr.Node.Const;

/**
 * Row-major matrices as vectors: products with a vector, slices, column statistics and standardisation
 * (what logistic regression needs). Every reshaping is a local GATHER; every product is one round.
 */
final class Matrices {
  private final Builder c;
  private final Functions fn;
  private final Statistics stats;
  private final Shapes shapes;

  Matrices(Builder c, Functions fn, Statistics stats, Shapes shapes) {
    this.c = c;
    this.fn = fn;
    this.stats = stats;
    this.shapes = shapes;
  }

  /** One of the functions of {@link Builtin.Library#MATRICES}. */
  Node call(Builtin name, List<Node> a, Expr where) {
    return switch (name) {
      case MATVEC -> { // X (n rows of len(w)) times w: n values
        arity(name, a, 2, where);
        Node x = a.get(0), w = a.get(1);
        int d = w.len(), n = rowsOf(x, d, where);
        yield c.groupSums(c.mulRaw(c.shrink(x), c.shrink(c.gather(w, tile(d, n))), where), d);
      }
      case VECMAT -> { // e (n) times X (n rows): len(X)/n values
        arity(name, a, 2, where);
        Node e = a.get(0), x = a.get(1);
        int n = e.len();
        requireShape(x, n, 0, where);
        int d = rows(x, n, where);
        yield c.groupSums(c.mulRaw(c.shrink(c.gather(x, columnMajor(n, d))), c.shrink(c.gather(e, tile(n, d))), where), n);
      }
      case SLICE -> {
        arity(name, a, 3, where);
        int off = integer(a.get(1), "slice's offset", where), len = integer(a.get(2), "slice's length", where);
        if (off < 0 || len < 1 || (long) off + len > a.get(0).len()) {
          throw invalid("slice [%d, +%d) outside a vector of %d in %s", off, len, a.get(0).len(), Printer.show(where));
        }
        yield c.slice(a.get(0), off, len);
      }
      case TILE -> {
        arity(name, a, 2, where);
        int k = integer(a.get(1), "tile's count", where);
        if (k < 1 || (long) k * a.get(0).len() > smpc.core.protocol.Limits.MAX_LENGTH) {
          throw invalid("tile count %d out of range in %s", k, Printer.show(where));
        }
        yield c.gather(a.get(0), tile(a.get(0).len(), k));
      }
      case COLMEAN -> {
        arity(name, a, 2, where);
        int d = integer(a.get(1), "the number of columns", where), n = rowsOf(a.get(0), d, where);
        yield stats.meanOfSums(c.groupSums(c.gather(a.get(0), columnMajor(n, d)), n), n, where);
      }
      case COLSTDEV -> {
        arity(name, a, 2, where);
        int d = integer(a.get(1), "the number of columns", where), n = rowsOf(a.get(0), d, where);
        yield colstdev(a.get(0), colmean(a.get(0), d, n, where), n, d, where);
      }
      case STANDARDIZE -> { // (X - mean) / stdev per column: standardize(X, d), or with given statistics standardize(X, mu, sd)
        if (a.size() == 2) {
          int d = integer(a.get(1), "the number of columns", where), n = rowsOf(a.get(0), d, where);
          Node mu = colmean(a.get(0), d, n, where);
          yield standardize(a.get(0), mu, colstdev(a.get(0), mu, n, d, where), where);
        }
        if (a.size() != 3) throw invalid("standardize takes 2 or 3 arguments, got %d in %s", a.size(), Printer.show(where));
        if (a.get(1).len() != a.get(2).len()) throw invalid("standardize needs as many means as deviations in %s", Printer.show(where));
        yield standardize(a.get(0), a.get(1), a.get(2), where);
      }
      default -> throw new IllegalStateException(name.fn());
    };
  }

  private Node colmean(Node x, int d, int n, Expr where) {
    return stats.meanOfSums(c.groupSums(c.gather(x, columnMajor(n, d)), n), n, where);
  }

  /** Each column's population deviation, as stdev's (Statistics#stdevOfGroups: any variance below 2^30 at f = 16). */
  private Node colstdev(Node x, Node mu, int n, int d, Expr where) {
    Node dev = c.shrink(c.sub(c.toScale(c.gather(x, columnMajor(n, d)), c.f), c.gather(mu, repeat(d, n)), where));
    return stats.stdevOfGroups(dev, n, where);
  }

  private Node standardize(Node x, Node mu, Node sd, Expr where) {
    int d = mu.len(), n = rowsOf(x, d, where);
    return fn.columnQuotients(c.shrink(c.sub(c.toScale(x, c.f), c.gather(mu, tile(d, n)), where)), sd, n, d, where);
  }

  /** The rows of x as rows of d columns; a value with a known matrix shape must have d columns. */
  private int rowsOf(Node x, int d, Expr where) {
    requireShape(x, 0, d, where);
    return rows(x, d, where);
  }

  /** A value of known matrix shape has these rows and columns (0: any). */
  private void requireShape(Node x, int rows, int cols, Expr where) {
    if (!shapes.isMatrix(x)) return;
    Shapes.Shape s = shapes.of(x);
    if (rows != 0 && s.rows() != rows) throw invalid("a %s matrix does not have %d rows in %s", s, rows, Printer.show(where));
    if (cols != 0 && s.cols() != cols) throw invalid("a %s matrix does not have rows of %d in %s", s, cols, Printer.show(where));
  }

  private static int rows(Node x, int d, Expr where) {
    if (d < 1 || x.len() % d != 0) throw invalid("a matrix of %d elements does not have rows of %d in %s", x.len(), d, Printer.show(where));
    return x.len() / d;
  }

  /** Indices of v (length len) repeated k times: 0..len-1, 0..len-1, ... */
  static long[] tile(int len, int k) {
    long[] idx = new long[len * k];
    for (int t = 0; t < idx.length; t++) idx[t] = t % len;
    return idx;
  }

  /** Each index of v (length len) repeated k times in a row: 0,0,...,1,1,... */
  static long[] repeat(int len, int k) {
    long[] idx = new long[len * k];
    for (int t = 0; t < idx.length; t++) idx[t] = t / k;
    return idx;
  }

  /** Row-major n x d to column-major. */
  static long[] columnMajor(int n, int d) {
    long[] idx = new long[n * d];
    for (int j = 0; j < d; j++) for (int i = 0; i < n; i++) idx[j * n + i] = (long) i * d + j;
    return idx;
  }

  static int integer(Node v, String what, Expr where) {
    if (!(v instanceof Const k) || v.len() != 1 || v.scale() != 0) throw invalid("%s must be an integer literal in %s", what, Printer.show(where));
    long n = k.value()[0];
    if (n < 0 || n > Integer.MAX_VALUE) throw invalid("%s %d out of range in %s", what, n, Printer.show(where));
    return (int) n;
  }

  private static void arity(Builtin name, List<Node> a, int n, Expr where) {
    if (a.size() != n) throw invalid("%s takes %d arguments, got %d in %s", name.fn(), n, a.size(), Printer.show(where));
  }
}
