package smpc.core.expr;

import java.util.stream.Collectors;

/** Renders an expression back to text, for error messages. */
public final class Printer {
  private Printer() {}

  public static String show(Expr e) {
    if (e instanceof Expr.Num n) return Long.toString(n.value());
    if (e instanceof Expr.Dec d) return d.value().toPlainString();
    if (e instanceof Expr.Ref r) return r.name();
    if (e instanceof Expr.Neg n) return "-" + wrap(n.x());
    if (e instanceof Expr.Bin b) return wrap(b.left()) + " " + symbol(b.op()) + " " + wrap(b.right());
    Expr.Call c = (Expr.Call) e;
    return c.fn() + "(" + c.args().stream().map(Printer::show).collect(Collectors.joining(", ")) + ")";
  }

  /** Operators are one character in the tree; <=, >=, ==, != are l, g, =, !. */
  static String symbol(char op) {
    return switch (op) {
      case 'l' -> "<=";
      case 'g' -> ">=";
      case '=' -> "==";
      case '!' -> "!=";
      default -> String.valueOf(op);
    };
  }

  private static String wrap(Expr e) {
    return e instanceof Expr.Bin ? "(" + show(e) + ")" : show(e);
  }
}
