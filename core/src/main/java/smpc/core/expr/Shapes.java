package smpc.core.expr;

import static smpc.core.Errors.invalid;

import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The shape of every value the compiler builds: a matrix is its elements row-major with a known number
 * of rows and columns; any other value is a column, (length x 1). Shapes are only the compiler's: a
 * plan's registers are flat vectors. Broadcasting follows numpy's rule on two dimensions (a dimension of
 * 1 stretches), but a plain vector is a column, never a row: X + v adds v to every column of X, and a
 * row is written transpose(v). That keeps X @ w - y (a column minus a column) from becoming an n x n
 * matrix by surprise.
 */
final class Shapes {
  /** rows x cols. */
  record Shape(int rows, int cols) {
    long size() {
      return (long) rows * cols;
    }

    @Override
    public String toString() {
      return rows + "x" + cols;
    }
  }

  private final Map<Node, Shape> matrices = new IdentityHashMap<>();

  Shape of(Node n) {
    Shape s = matrices.get(n);
    return s != null ? s : new Shape(n.len(), 1);
  }

  /** True for a value with a shape other than a column: it broadcasts by its rows and columns. */
  boolean isMatrix(Node n) {
    return matrices.containsKey(n);
  }

  /** Gives a node its shape (a column needs none) and returns it. */
  Node shaped(Node n, Shape s) {
    if (s.size() != n.len()) throw new IllegalStateException("shape " + s + " of a vector of " + n.len());
    if (s.cols() != 1) matrices.put(n, s);
    return n;
  }

  /** The shape two operands of an elementwise operation broadcast to, or a one-line error. */
  static Shape broadcast(Shape a, Shape b, Expr where) {
    if (a.size() == 1) return b;
    if (b.size() == 1) return a;
    int rows = a.rows() == b.rows() || b.rows() == 1 ? a.rows() : a.rows() == 1 ? b.rows() : -1;
    int cols = a.cols() == b.cols() || b.cols() == 1 ? a.cols() : a.cols() == 1 ? b.cols() : -1;
    if (rows < 0 || cols < 0) {
      throw invalid("shapes %s and %s do not broadcast in %s (a vector is a column; transpose(v) is a row)", a, b,
          Printer.show(where));
    }
    return new Shape(rows, cols);
  }

  /** The indices that stretch a value of shape {@code from} to {@code to} (rows or columns of 1 repeated). */
  static long[] stretch(Shape from, Shape to) {
    long[] idx = new long[Math.toIntExact(to.size())];
    for (int i = 0; i < to.rows(); i++) {
      for (int j = 0; j < to.cols(); j++) {
        idx[i * to.cols() + j] = (long) (from.rows() == 1 ? 0 : i) * from.cols() + (from.cols() == 1 ? 0 : j);
      }
    }
    return idx;
  }
}
