package smpc.core.expr;

import static smpc.core.Errors.invalid;

import java.util.List;
import java.util.function.BinaryOperator;
import smpc.core.expr.Node.Const;
import smpc.core.expr.Shapes.Shape;
import smpc.core.protocol.Limits;
import smpc.core.ring.Ring;

/**
 * Matrices with shapes: products, transposes, stacking, row and column slices, reshaping, and
 * elementwise operations that broadcast a row or a column. A product of two secrets is one MATMUL (a
 * dealer matrix triple: n·m + m·k elements opened, one round); a product with a public matrix is local.
 * Every reshaping is a local GATHER.
 */
final class LinearAlgebra {
  /** As MatrixProducts.MAX_WORK: the multiply-adds a party accepts in one product. */
  private static final long MAX_WORK = 1L << 32;

  private final Builder c;
  private final Shapes shapes;

  LinearAlgebra(Builder c, Shapes shapes) {
    this.c = c;
    this.shapes = shapes;
  }

  /** One of the functions of {@link Builtin.Library#LINEAR_ALGEBRA}. */
  Node call(Builtin name, List<Node> a, Expr where) {
    return switch (name) {
      case MATMUL -> {
        arity(name, a, 2, where);
        yield matmul(a.get(0), a.get(1), where);
      }
      case TRANSPOSE -> {
        arity(name, a, 1, where);
        Shape s = shapes.of(a.get(0));
        long[] idx = new long[a.get(0).len()];
        for (int i = 0; i < s.rows(); i++) for (int j = 0; j < s.cols(); j++) idx[j * s.rows() + i] = (long) i * s.cols() + j;
        yield shapes.shaped(c.gather(a.get(0), idx), new Shape(s.cols(), s.rows()));
      }
      case HSTACK -> {
        atLeastTwo(name, a, where);
        yield hstack(a, where);
      }
      case VSTACK -> {
        atLeastTwo(name, a, where);
        int cols = shapes.of(a.get(0)).cols(), rows = 0;
        for (Node x : a) {
          Shape s = shapes.of(x);
          if (s.cols() != cols) throw invalid("vstack needs equal numbers of columns, got %s and %s in %s", shapes.of(a.get(0)), s, Printer.show(where));
          rows += s.rows();
        }
        yield shapes.shaped(c.concatAll(a), new Shape(rows, cols));
      }
      case ROWS -> {
        arity(name, a, 3, where);
        Shape s = shapes.of(a.get(0));
        int from = Matrices.integer(a.get(1), "rows' first row", where), count = Matrices.integer(a.get(2), "rows' count", where);
        if (count < 1 || (long) from + count > s.rows()) throw invalid("rows [%d, +%d) outside a %s matrix in %s", from, count, s, Printer.show(where));
        yield shapes.shaped(c.slice(a.get(0), from * s.cols(), count * s.cols()), new Shape(count, s.cols()));
      }
      case COLS -> {
        arity(name, a, 3, where);
        Shape s = shapes.of(a.get(0));
        int from = Matrices.integer(a.get(1), "cols' first column", where), count = Matrices.integer(a.get(2), "cols' count", where);
        if (count < 1 || (long) from + count > s.cols()) throw invalid("columns [%d, +%d) outside a %s matrix in %s", from, count, s, Printer.show(where));
        long[] idx = new long[s.rows() * count];
        for (int i = 0; i < s.rows(); i++) for (int j = 0; j < count; j++) idx[i * count + j] = (long) i * s.cols() + from + j;
        yield shapes.shaped(c.gather(a.get(0), idx), new Shape(s.rows(), count));
      }
      case RESHAPE -> {
        arity(name, a, 3, where);
        int rows = Matrices.integer(a.get(1), "reshape's rows", where), cols = Matrices.integer(a.get(2), "reshape's columns", where);
        if ((long) rows * cols != a.get(0).len()) {
          throw invalid("reshape of %d elements to %dx%d in %s", a.get(0).len(), rows, cols, Printer.show(where));
        }
        long[] idx = new long[a.get(0).len()];
        for (int i = 0; i < idx.length; i++) idx[i] = i;
        yield shapes.shaped(c.gather(a.get(0), idx), new Shape(rows, cols));
      }
      default -> throw new IllegalStateException(name.fn());
    };
  }

  /**
   * x (n x m) times y (m x k) at scale x.scale + y.scale (operands above f shrink first): one truncation
   * of the n·k results follows when the product must shrink, however long the inner dimension.
   */
  Node matmul(Node x, Node y, Expr where) {
    Shape sx = shapes.of(x), sy = shapes.of(y);
    if (sx.cols() != sy.rows()) {
      throw invalid("matmul of %s by %s: the inner dimensions differ (%d and %d) in %s", sx, sy, sx.cols(), sy.rows(), Printer.show(where));
    }
    int n = sx.rows(), m = sx.cols(), k = sy.cols();
    if ((long) n * k > Limits.MAX_LENGTH || (long) n * m * k > MAX_WORK) {
      throw invalid("matmul of %s by %s is too large (at most %d elements and %d multiply-adds) in %s", sx, sy, Limits.MAX_LENGTH,
          MAX_WORK, Printer.show(where));
    }
    x = c.shrink(x);
    y = c.shrink(y);
    int scale = x.scale() + y.scale();
    Shape out = new Shape(n, k);
    if (x instanceof Const a && y instanceof Const b) return shapes.shaped(c.shrink(c.constant(Ring.matmul(a.value(), b.value(), n, m, k), scale)), out);
    if (x instanceof Const || y instanceof Const) { // local: each result is a sum of m products by public numbers
      if ((long) n * m * k > Limits.MAX_LENGTH) {
        throw invalid("matmul of %s by a public %s takes %d local products, more than %d in %s", sx, sy, (long) n * m * k, Limits.MAX_LENGTH, Printer.show(where));
      }
      long[] ix = new long[n * k * m], iy = new long[n * k * m];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < k; j++) {
          for (int l = 0; l < m; l++) {
            ix[(i * k + j) * m + l] = (long) i * m + l;
            iy[(i * k + j) * m + l] = (long) l * k + j;
          }
        }
      }
      return shapes.shaped(c.groupSums(c.mulRaw(c.gather(x, ix), c.gather(y, iy), where), m), out);
    }
    return shapes.shaped(c.keep(new Node.MatMul(x, y, n, m, k, scale)), out);
  }

  /** An elementwise operation on operands of which one at least is a matrix: rows and columns of 1 stretch. */
  Node elementwise(Node x, Node y, BinaryOperator<Node> op, Expr where) {
    Shape sx = shapes.of(x), sy = shapes.of(y), out = Shapes.broadcast(sx, sy, where);
    return shapes.shaped(op.apply(stretch(x, sx, out), stretch(y, sy, out)), out);
  }

  private Node stretch(Node x, Shape s, Shape to) {
    return s.size() == 1 || s.equals(to) ? x : c.gather(x, Shapes.stretch(s, to));
  }

  /** Columns side by side: row i of the result is row i of each argument in turn. */
  private Node hstack(List<Node> a, Expr where) {
    int rows = shapes.of(a.get(0)).rows(), cols = 0;
    for (Node x : a) {
      Shape s = shapes.of(x);
      if (s.rows() != rows) throw invalid("hstack needs equal numbers of rows, got %s and %s in %s", shapes.of(a.get(0)), s, Printer.show(where));
      cols += s.cols();
    }
    long[] idx = new long[rows * cols];
    int t = 0;
    for (int i = 0; i < rows; i++) {
      int base = 0;
      for (Node x : a) {
        int w = shapes.of(x).cols();
        for (int j = 0; j < w; j++) idx[t++] = base + (long) i * w + j;
        base += x.len();
      }
    }
    return shapes.shaped(c.gather(c.concatAll(a), idx), new Shape(rows, cols));
  }

  private static void atLeastTwo(Builtin name, List<Node> a, Expr where) {
    if (a.size() < 2) throw invalid("%s takes 2 arguments, got %d (or more than 2) in %s", name.fn(), a.size(), Printer.show(where));
  }

  private static void arity(Builtin name, List<Node> a, int n, Expr where) {
    if (a.size() != n) throw invalid("%s takes %d arguments, got %d in %s", name.fn(), n, a.size(), Printer.show(where));
  }
}
