package smpc.core.expr;

import java.util.stream.Collectors;

/** Renders an expression back to text, for error messages. */
public final class Printer {
  private Printer() {}

  public static String show(Expr e) {
    if (e instanceof Expr.Num n) return Long.toString(n.value());
    if (e instanceof Expr.Dec d) return smpc.core.ring.FixedPoint.shown(d.value());
    if (e instanceof Expr.Ref r) return r.name();
    if (e instanceof Expr.Neg n) return "-" + wrap(n.x());
    if (e instanceof Expr.Bin b) return wrap(b.left()) + " " + b.op().symbol() + " " + wrap(b.right());
    Expr.Call c = (Expr.Call) e;
    return c.fn() + "(" + c.args().stream().map(Printer::show).collect(Collectors.joining(", ")) + ")";
  }

  private static String wrap(Expr e) {
    return e instanceof Expr.Bin ? "(" + show(e) + ")" : show(e);
  }
}
