package smpc.core.expr;

import java.util.List;

/**
 * An arithmetic expression over named values. Records compare structurally, so the compiler
 * evaluates a repeated subexpression (or a name used twice) only once.
 */
public sealed interface Expr {
  /** The subexpressions this one reads directly (none for a literal or a name). */
  default List<Expr> children() {
    if (this instanceof Neg n) return List.of(n.x());
    if (this instanceof Bin b) return List.of(b.left(), b.right());
    if (this instanceof Call c) return c.args();
    return List.of();
  }

  /** A public integer literal. */
  record Num(long value) implements Expr {}

  /** A public real literal (fixed point once compiled). */
  record Dec(java.math.BigDecimal value) implements Expr {}

  /** A stored value: shared among the computing parties, or private to one of them. */
  record Ref(String name) implements Expr {}

  record Neg(Expr x) implements Expr {}

  record Bin(Operator op, Expr left, Expr right) implements Expr {}

  /** A function call: {@code sum(v)}, {@code dot(u, v)}. */
  record Call(String fn, List<Expr> args) implements Expr {}

  static Expr add(Expr a, Expr b) {
    return new Bin(Operator.ADD, a, b);
  }

  static Expr sub(Expr a, Expr b) {
    return new Bin(Operator.SUB, a, b);
  }

  static Expr mul(Expr a, Expr b) {
    return new Bin(Operator.MUL, a, b);
  }
}
